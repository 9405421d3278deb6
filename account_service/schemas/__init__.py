"""Every request and answer of the API, declared once as pydantic (v1) models, one module per area."""

"""Load test: Locust users holding whole conversations through the REST channel (README.md)."""

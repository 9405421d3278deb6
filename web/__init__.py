"""The website demo: a support page of the issuer with the chat widget (`python -m web.server`)."""

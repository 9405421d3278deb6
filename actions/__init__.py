"""Custom actions for the support assistant: thin translators between dialogue and data."""

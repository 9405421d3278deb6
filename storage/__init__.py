"""Rasa server add-ons for what the assistant stores."""

"""The language a customer is answered in: detection, switches, and the localized responses."""

"""What must never be stored: shared by the channels, the tracker store and the account service."""

"""Environment that switches the in-app channel on for the test assistant. Empty until configured."""

from __future__ import annotations


def in_app_env() -> dict[str, str]:
    return {}

"""Environment that switches the messaging channels on for the test assistant, pointed at the
local stand-in for the platforms' APIs (tests/platform_standin.py). Empty until configured."""

from __future__ import annotations


def messaging_env(standin_url: str) -> dict[str, str]:
    return {}

"""Masked forms of contact details and bank accounts, the only forms that leave the service."""

from __future__ import annotations

import re

DOT = "•"


def mask_phone(phone: str) -> str:
    """+1 555 010 2002 -> •••• ••• 2002: only the last four digits stay visible."""
    digits = re.sub(r"\D", "", phone)
    return f"{DOT * 4} {DOT * 3} {digits[-4:]}"


def mask_email(email: str) -> str:
    """alex.morgan@example.com -> a••••n@example.com."""
    local, _, domain = email.partition("@")
    if len(local) <= 1:
        return f"{local}{DOT * 4}@{domain}"
    return f"{local[0]}{DOT * 4}{local[-1]}@{domain}"


def mask_account(last_four: str) -> str:
    return f"{DOT * 4}{last_four}"

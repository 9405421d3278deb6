"""Finds and masks card numbers and one-time codes in free text.

A card number is a Luhn-valid run of 13-19 digits, written with or without spaces or dashes
between groups; only its last four digits survive. A one-time code is a standalone run of
exactly six digits (optionally written as "123 456"); it is masked whole.
"""

from __future__ import annotations

import re

# Digits with single spaces or dashes between them; the length is checked after the
# separators are removed, so "3782 822463 10005" and "3782-8224-6310-005" both count.
_DIGIT_RUN = re.compile(r"(?<![\d])\d(?:[ -]?\d){12,22}(?![\d])")
_CODE = re.compile(r"(?<![\d$£€₹.,/-])\d{3} ?\d{3}(?![\d.,/-]?\d)")

CODE_MASK = "••••••"


def luhn_valid(digits: str) -> bool:
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char)
        if position % 2 == 1:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


def _card_numbers(text: str) -> list[tuple[int, int, str]]:
    """(start, end, digits) of each card number in the text."""
    found = []
    for match in _DIGIT_RUN.finditer(text):
        digits = re.sub(r"\D", "", match.group())
        if 13 <= len(digits) <= 19 and luhn_valid(digits):
            found.append((match.start(), match.end(), digits))
    return found


def contains_card_number(text: str) -> bool:
    return bool(_card_numbers(text))


def mask_card_numbers(text: str) -> str:
    """Each card number becomes "card ending 1234" ("my card 4111…" becomes "my card ending 1111")."""
    for start, end, digits in reversed(_card_numbers(text)):
        label = "ending" if text[:start].lower().endswith("card ") else "card ending"
        text = f"{text[:start]}{label} {digits[-4:]}{text[end:]}"
    return text


def mask_codes(text: str) -> str:
    """Each standalone six-digit run becomes ••••••."""
    return _CODE.sub(CODE_MASK, text)


def redact(text: str) -> str:
    """Card numbers to their last four, then six-digit codes masked."""
    return mask_codes(mask_card_numbers(text))

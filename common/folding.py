"""One spelling for what customers type, before any value is read out of it (the actions read
slots with it, the account service reads answers to alerts with it).

Customers in India write digits in Devanagari as often as in ASCII ("₹५०००", "४८२९१३"), and the
same Hindi word with or without a nukta or a chandrabindu ("हज़ार"/"हजार", "हाँ"/"हां"). Folding
those to one form here lets every reader match one spelling of each word.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

NUKTA = "\u093c"
CHANDRABINDU = "\u0901"
ANUSVARA = "\u0902"
# Devanagari letters and vowel signs (U+0900-0963, U+0971-097F) without the dandas and digits:
# Python's \w leaves the vowel signs out, which would cut "पाँच" into pieces.
DEVANAGARI_LETTERS = "\u0900-\u0963\u0971-\u097f"
_TOKEN = re.compile(rf"[a-z0-9'{DEVANAGARI_LETTERS}]+")


def ascii_digits(text: str) -> str:
    """Digits of any script ("५", "٥", "৫") as the ASCII digit of the same value."""
    return "".join(
        str(unicodedata.decimal(char)) if char.isdecimal() and not char.isascii() else char for char in text
    )


def fold(text: str) -> str:
    """NFKC (full-width forms, no-break spaces), lower case, ASCII digits, straight apostrophes,
    Devanagari without nukta and with anusvara for chandrabindu."""
    folded = ascii_digits(unicodedata.normalize("NFKC", text)).lower().replace("\u2019", "'")
    return folded.replace(NUKTA, "").replace(CHANDRABINDU, ANUSVARA)


def tokens(text: str) -> list[str]:
    """The folded words and numbers of a message, Latin and Devanagari alike."""
    return _TOKEN.findall(fold(text))


def fold_all(words: Iterable[str]) -> frozenset[str]:
    """A word list as written ("हाँ", "हज़ार") in the form tokens() gives a message's words."""
    return frozenset(fold(word) for word in words)

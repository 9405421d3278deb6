"""Cleans what a customer typed before the assistant (and its tracker store) sees it."""

from __future__ import annotations

import re
import unicodedata

from localization import texts
from privacy.redaction import contains_card_number, mask_card_numbers

# Long enough for any real question; a pasted essay is cut so that one message cannot tie up
# the NLU pipeline. The customer still gets an answer to the start of it.
MAX_MESSAGE_CHARS = 2000
MAX_SENDER_CHARS = 128
# An empty message is still a turn: it reaches the assistant as a message it cannot understand,
# so the customer gets the usual polite "say it another way" answer.
EMPTY_MESSAGE_PAYLOAD = "/nlu_fallback"

_WHITESPACE_RUN = re.compile(r"[ \t]+")


def clean_text(text: str) -> str:
    """Drops control and invisible format characters (zero-width, bidi overrides), collapses
    spaces, trims and caps the length."""
    # Cut first: whatever follows is linear in the text, and a 100 MB body must not block the
    # event loop (the spare allows for characters dropped below).
    text = text[: MAX_MESSAGE_CHARS * 2]
    kept = []
    for char in text:
        if char in "\n\t":
            kept.append(" ")
        elif unicodedata.category(char) in ("Cc", "Cf", "Cs", "Co", "Cn"):
            continue
        else:
            kept.append(char)
    return _WHITESPACE_RUN.sub(" ", "".join(kept)).strip()[:MAX_MESSAGE_CHARS]


def is_valid_sender(sender: object) -> bool:
    return (
        isinstance(sender, str)
        and 0 < len(sender) <= MAX_SENDER_CHARS
        and sender.isprintable()
        and sender.strip() == sender
    )


# Said before the assistant's answer whenever a message held a card number: the number itself
# was already replaced by its last four digits, before anything else saw it.
CARD_NUMBER_WARNING = texts.CARD_NUMBER_WARNING["en"]


def screen_message(text: str) -> tuple[str, list[str]]:
    """The cleaned text with any card number cut to its last four, and warnings to say first."""
    cleaned = clean_text(text)
    if not contains_card_number(cleaned):
        return cleaned, []
    return mask_card_numbers(cleaned), [texts.for_message(texts.CARD_NUMBER_WARNING, cleaned)]

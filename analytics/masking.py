"""What of a misunderstood message may be kept: its text through privacy/redaction.py (card
numbers, codes, dates of birth, signed links), then e-mail addresses, phone numbers and long
digit runs, which redaction leaves (the transcript needs them) but analytics never needs.
Messages that answered an identity question are never kept at all (analytics/processor.py)."""

from __future__ import annotations

import re

from privacy.redaction import redact

EMAIL_MASK = "[email]"
NUMBER_MASK = "[number]"
MAX_KEPT = 200  # characters of a message kept

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# Seven or more digits, with spaces, dashes, dots or brackets between: a phone or account number.
_NUMBER = re.compile(r"\+?\d(?:[\s().-]*\d){6,}")


def masked(text: str) -> str:
    kept = redact(text)
    kept = _EMAIL.sub(EMAIL_MASK, kept)
    kept = _NUMBER.sub(NUMBER_MASK, kept)
    kept = " ".join(kept.split())
    return kept[:MAX_KEPT]

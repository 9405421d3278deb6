"""Finds and masks what must never be stored: card numbers, one-time codes, dates of birth and
signed links.

- A card number is a Luhn-valid run of 13-19 digits, written with or without spaces or dashes
  between groups; only its last four digits survive.
- A one-time code is six digits standing alone in any of the ways people type them: "123456",
  "123 456", "123-456", "12 34 56", "1 2 3 4 5 6", in any script's digits ("१२३४५६"), or six or
  more digits spelt out ("four eight two nine one three"). It is masked whole. Over-masking
  (a date written 12-05-26) costs a stored transcript a few characters; under-masking would
  store a secret, so the rules lean that way.
- A date of birth is any full date (day, month and year) at least 14 years in the past, in any
  of the forms the assistant reads; it becomes "[date]".
- A signed link (a statement download or any URL carrying a long token) is a bearer credential
  while it lives; it becomes "[link removed]".
"""

from __future__ import annotations

import calendar
import re
import unicodedata
from datetime import date

# Digits with single spaces or dashes between them; the length is checked after the
# separators are removed, so "3782 822463 10005" and "3782-8224-6310-005" both count.
_DIGIT_RUN = re.compile(r"(?<![\d])\d(?:[ -]?\d){12,22}(?![\d])")

# Groups of digits joined by one space, dash or dot; a code is such a run of exactly six
# digits not touching a currency sign, a decimal point or more digits.
# A comma or dot just before counts as a separator only after a digit ("1,234,567", "12.50"), not
# after a word ("ok,482913", "code.482913").
_DIGIT_GROUPS = re.compile(r"(?<![\d$£€₹/])(?<!\d[.,])\d+(?:[ .-]\d+)*(?![\d]|[.,/:]\d)")
_SEPARATOR = re.compile(r"[ .-]")

_DIGIT_WORDS = "zero|oh|one|two|three|four|five|six|seven|eight|nine"
_SPELT_CODE = re.compile(rf"\b(?:{_DIGIT_WORDS})(?:[\s,-]+(?:{_DIGIT_WORDS})){{5,}}\b", re.IGNORECASE)

CODE_MASK = "••••••"
DATE_MASK = "[date]"
LINK_MASK = "[link removed]"
# Nobody younger than this holds a card of their own; a full date older than that is treated as
# a date of birth. Payment, statement and transaction dates are all far more recent.
MIN_BIRTH_AGE_YEARS = 14


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


def _is_code(run: str) -> bool:
    groups = _SEPARATOR.split(run)
    digits = "".join(groups)
    if len(digits) != 6:
        return False
    # "12.34" style decimals inside are amounts, not codes: a dot only between equal groups.
    return "." not in run or len({len(group) for group in groups}) == 1


def mask_codes(text: str) -> str:
    """Each six-digit code, however it is written, becomes ••••••."""
    text = _DIGIT_GROUPS.sub(lambda match: CODE_MASK if _is_code(match.group()) else match.group(), text)
    return _SPELT_CODE.sub(CODE_MASK, text)


# --- dates of birth ---------------------------------------------------------------------------------
_MONTHS = {name.lower(): number for number, name in enumerate(calendar.month_name) if name}
_MONTHS.update({name.lower(): number for number, name in enumerate(calendar.month_abbr) if name})
_MONTHS["sept"] = 9
# Hindi month names, as the assistant reads them (with and without the nukta in फ़रवरी).
_HINDI_MONTHS = (
    *("जनवरी", "फरवरी", "फ़रवरी", "\u095eरवरी", "मार्च", "अप्रैल", "मई", "जून", "जुलाई", "अगस्त"),
    *("सितंबर", "सितम्बर", "अक्टूबर", "अक्तूबर", "नवंबर", "नवम्बर", "दिसंबर", "दिसम्बर"),
)
_MONTH = "|".join(sorted([*_MONTHS, *_HINDI_MONTHS], key=len, reverse=True))
_YEAR = r"(?:1[89]\d\d|20\d\d)"
_DATE_FORMS = [
    # 1985-09-30, 1985/9/30
    re.compile(rf"\b(?P<y>{_YEAR})[-/.](?P<m>\d{{1,2}})[-/.](?P<d>\d{{1,2}})\b"),
    # 30/09/1985, 09-30-1985, 30.09.1985 (day or month first: either way it is masked)
    re.compile(rf"\b(?P<a>\d{{1,2}})[-/.](?P<b>\d{{1,2}})[-/.](?P<y>{_YEAR})\b"),
    # September 30, 1985 / Sep 30th 1985
    re.compile(rf"\b(?P<mn>{_MONTH})\.?\s*(?P<d>\d{{1,2}})(?:st|nd|rd|th)?\s*,?\s*(?P<y>{_YEAR})\b", re.I),
    # 30 Sep 1985 / 30th of September, 1985
    re.compile(
        rf"\b(?P<d>\d{{1,2}})(?:st|nd|rd|th)?\s*(?:of\s+)?(?P<mn>{_MONTH})\.?\s*,?\s*(?P<y>{_YEAR})\b", re.I
    ),
]


def _birth_year_limit(today: date | None) -> int:
    return (today or date.today()).year - MIN_BIRTH_AGE_YEARS


def _ascii_digits(text: str) -> str:
    """Any script's digits ("३०/०९/१९८५") as ASCII, one character for one."""
    return "".join(
        str(unicodedata.decimal(char)) if char.isdecimal() and not char.isascii() else char for char in text
    )


def mask_birth_dates(text: str, today: date | None = None) -> str:
    """Each full date old enough to be a date of birth becomes [date], in any script's digits."""
    limit = _birth_year_limit(today)
    for form in _DATE_FORMS:
        # Found in ASCII digits; the spans are the same in the text as typed.
        kept, last = [], 0
        for match in form.finditer(_ascii_digits(text)):
            if int(match.group("y")) <= limit:
                kept += [text[last : match.start()], DATE_MASK]
                last = match.end()
        text = "".join(kept) + text[last:]
    return text


# --- signed links -----------------------------------------------------------------------------------
_URL = re.compile(r"https?://[^\s<>\"']+", re.IGNORECASE)
# A path segment or query value this long and token-shaped is a credential, not a page name.
_TOKEN_PART = re.compile(r"[A-Za-z0-9_\-.~%]{24,}")
_SIGNED_PATHS = ("/statements/download/", "/password-reset/", "token=", "signature=", "sig=")


def _is_signed_link(url: str) -> bool:
    lowered = url.lower()
    if any(marker in lowered for marker in _SIGNED_PATHS):
        return True
    path_and_query = url.split("://", 1)[-1].partition("/")[2]
    return any(_TOKEN_PART.fullmatch(part) for part in re.split(r"[/?&=#]", path_and_query) if part)


def mask_signed_links(text: str) -> str:
    """Each URL that carries a token (statement downloads, reset links) becomes [link removed]."""
    return _URL.sub(lambda match: LINK_MASK if _is_signed_link(match.group()) else match.group(), text)


# A Telegram link code (account_service/alert_replies.py) as the assistant shows it: "/link CODE"
# or in the bot's deep link "?start=link-CODE". For ten minutes it links a chat to an account.
_LINK_CODE = re.compile(r"(/link\s+|start=link-)[A-Za-z0-9]{4,16}\b")


def mask_link_codes(text: str) -> str:
    return _LINK_CODE.sub(lambda match: match.group(1) + CODE_MASK, text)


def redact(text: str, today: date | None = None) -> str:
    """Signed links, link codes, card numbers, dates of birth and codes, in that order (a link's
    token may hold digits; a date must be seen whole before its digits look like a code)."""
    text = mask_link_codes(mask_signed_links(text))
    text = mask_card_numbers(text)
    text = mask_birth_dates(text, today)
    return mask_codes(text)

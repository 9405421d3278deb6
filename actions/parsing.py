"""Reads the values a form asks for out of what a customer typed.

Pure functions, no I/O. Each answers None when the text does not hold a clear value, so the
form can ask again instead of guessing.
"""

from __future__ import annotations

import re
from decimal import Decimal

from actions.amounts import Money, read_money
from actions.dates import MONTHS as MONTHS
from actions.dates import parse_birth_date as parse_birth_date
from actions.dates import parse_date as parse_date
from common.folding import DEVANAGARI_LETTERS, ascii_digits, fold, tokens


def is_payload(text: str) -> bool:
    """A button payload or a typed `/intent{...}`: never a source of secrets or identities."""
    return text.lstrip().startswith("/")


def words(text: str) -> list[str]:
    """The folded words of a message, Latin and Devanagari alike ("रुकें", "ruko", "stop"); word
    lists compared with them are folded the same way (common/folding.py)."""
    return tokens(text)


def parse_code(text: str) -> str | None:
    """The six digits of a one-time code ("123456", "123 456", "my code is 123-456")."""
    if is_payload(text):
        return None
    found = re.findall(r"(?<!\d)(\d{3})[ -]?(\d{3})(?!\d)", ascii_digits(text))
    return "".join(found[0]) if len(found) == 1 else None


_USER_ID = re.compile(r"^[a-z][a-z0-9._-]{2,63}$", re.IGNORECASE)
_LEAD_IN = re.compile(
    r"^(?:(?:my|the)\s+)?(?:user\s*id|userid|user\s*name|username|login|id)\s*(?:is|:|=)?\s*"
    r"|^(?:it'?s|it\s+is|i'?m|i\s+am|this\s+is)\s+",
    re.IGNORECASE,
)


def parse_user_id(text: str) -> str | None:
    """A User ID: the whole answer ("alex.morgan") or after a lead-in ("my user ID is alex.morgan")."""
    if is_payload(text):
        return None
    candidate = text.strip().strip(".!?\"'`")
    for _ in range(2):
        candidate = _LEAD_IN.sub("", candidate).strip().strip(".!?\"'`")
    if " " not in candidate and _USER_ID.match(candidate):
        return candidate.lower()
    # In a sentence ("it's alex.morgan, text me the code"): the one word shaped like an ID.
    shaped = {
        word.lower()
        for word in re.findall(r"[A-Za-z][A-Za-z0-9._-]*[A-Za-z0-9]", text)
        if re.search(r"[._\d]", word) and "@" not in word and _USER_ID.match(word)
    }
    return shaped.pop() if len(shaped) == 1 else None


def parse_last_four(text: str, choices: list[str] | None = None) -> str | None:
    """Four digits naming a card ("2010", "the one ending in 2010"); among `choices` when given."""
    found = re.findall(r"(?<!\d)(\d{4})(?!\d)", ascii_digits(text))
    if choices is not None:
        found = [digits for digits in found if digits in choices]
    return found[-1] if len(set(found)) == 1 else None


def parse_money(text: str) -> Money | None:
    """A money amount, US or Indian style (actions/amounts.py); None for none or several."""
    return read_money(text)


def parse_amount(text: str) -> Decimal | None:
    """The amount alone ("$200", "₹1,00,000", "1.5 lakh", "5k", "paanch hazaar"), in major units."""
    money = read_money(text)
    return None if money is None else money.amount


# The start of a word: Python's \b also falls after a Devanagari vowel sign, inside a word.
_WORD_START = rf"(?<![\w{DEVANAGARI_LETTERS}])"


def parse_choice(text: str, options: dict[str, tuple[str, ...]]) -> str | None:
    """The one option whose key words the text mentions (`{"lost": ("lost", "missing", "खो")}`);
    a key word matches the start of a word, in either script, folded (common/folding.py)."""
    folded = fold(text)
    hits = [
        key
        for key, keywords in options.items()
        if any(re.search(_WORD_START + re.escape(fold(w)), folded) for w in keywords)
    ]
    return hits[0] if len(hits) == 1 else None


def with_keywords(
    options: dict[str, tuple[str, ...]], more: dict[str, tuple[str, ...]]
) -> dict[str, tuple[str, ...]]:
    """The options of parse_choice with more key words for some of them (another language's)."""
    return {key: (*keywords, *more.get(key, ())) for key, keywords in options.items()}


ORDINALS = {
    "first": 1,
    "second": 2,
    "third": 3,
    "fourth": 4,
    "fifth": 5,
    "sixth": 6,
    "seventh": 7,
    "eighth": 8,
    "ninth": 9,
    "tenth": 10,
    "last": -1,
    # Hindi: "पहला वाला", "दूसरी और चौथी", "आखिरी"
    "पहला": 1,
    "पहली": 1,
    "दूसरा": 2,
    "दूसरी": 2,
    "तीसरा": 3,
    "तीसरी": 3,
    "चौथा": 4,
    "चौथी": 4,
    "पाँचवाँ": 5,
    "पाँचवीं": 5,
    "आख़िरी": -1,
}
ORDINALS = {fold(word): number for word, number in ORDINALS.items()}
# "all" of a list, as the Hindi answers invite it too ("सभी").
ALL_ITEMS = frozenset(fold(word) for word in ("all", "every", "each", "सभी", "सब", "सारे", "sab", "sabhi"))


def parse_item_numbers(text: str, count: int) -> list[int] | None:
    """Item numbers from a numbered list ("1 and 3", "2", "the first one", "all", "१ और ३",
    "सभी"); 1-based."""
    folded = fold(text)
    said = words(folded)
    if ALL_ITEMS & set(said):
        return list(range(1, count + 1))
    numbers = [int(n) for n in re.findall(r"(?<![\d.$])\b(\d{1,2})\b(?![\d.])", folded)]
    numbers += [count if ORDINALS[w] == -1 else ORDINALS[w] for w in said if w in ORDINALS]
    chosen = sorted({n for n in numbers if 1 <= n <= count})
    if not chosen or len(chosen) != len(set(numbers)):
        return None
    return chosen


def parse_email(text: str) -> str | None:
    found = re.findall(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}", text)
    return found[0].lower() if len(found) == 1 else None

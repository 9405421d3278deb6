"""Reads a money amount out of what a customer typed, written the US way or the Indian way.

Digits with Western or Indian grouping ("1,234.50", "1,00,000", "12,50,000.50", checked with
babel), a scale after them ("1.5 lakh", "2 crore", "5k", "1.5L", "5 hazar"), words ("two hundred
and fifty", "one lakh fifty thousand", "paanch hazaar", "dedh lakh", "पाँच हज़ार"), digits of
any script ("₹५०००"), and a currency before or after ("$", "USD", "₹", "Rs.", "INR", "rupees",
"रुपये", "dollars").

The answer is Money in minor units (cents, paise): whole numbers from here on, and the
two-decimal text the account service takes is made in one place. It is None when the text holds
no amount, several different ones, or one that is not a whole number of cents; card endings,
dates, times and counts of days are set aside first. A number in words counts only with a scale
or a currency ("five thousand", "fifty rupees"): alone, "one" or "do" far more often mean
something else ("the one ending 2002", "kar do").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from babel.numbers import NumberFormatError, parse_decimal

from actions.dates import MONTHS
from actions.number_words import (
    ARTICLES,
    ATTACHED_SCALES,
    CURRENCY_SIGNS,
    CURRENCY_WORDS,
    HUNDREDS,
    JOINERS,
    MODIFIERS,
    ONE_AND_A_QUARTER,
    SCALES,
    SUBUNIT_WORDS,
    UNITS,
)
from common.folding import DEVANAGARI_LETTERS, fold

MINOR_DIGITS = 2  # cents and paise alike
_LIMIT = Decimal(10) ** 12  # far above any balance: a longer number is a typo, not an amount


@dataclass(frozen=True)
class Money:
    """An amount in minor units, and the currency the customer named with it (if any)."""

    minor: int
    currency: str | None = None

    @property
    def amount(self) -> Decimal:
        return Decimal(self.minor).scaleb(-MINOR_DIGITS)

    def api_text(self) -> str:
        """What the account service takes: "1500.00"."""
        return f"{self.amount:.{MINOR_DIGITS}f}"

    def slot_text(self) -> str:
        """Kept in a text slot between turns: "1500.00", or "1500.00 INR" when a currency was named."""
        return f"{self.api_text()} {self.currency}" if self.currency else self.api_text()

    @classmethod
    def from_slot_text(cls, text: str) -> Money:
        amount, _, currency = text.partition(" ")
        return cls(int(Decimal(amount).scaleb(MINOR_DIGITS)), currency or None)

    def fits(self, currency: str) -> bool:
        """Whether it may be taken in `currency`: "$200" on a rupee card is not clear enough to pay."""
        return self.currency in (None, currency)


# --- what is not an amount ----------------------------------------------------------------------
_END = rf"(?![\w{DEVANAGARI_LETTERS}])"  # a word's end, also after a Devanagari vowel sign
_MONTH_NAMES = "|".join(sorted(MONTHS, key=len, reverse=True))
_NOT_AMOUNTS = re.compile(
    # a card's last four: "ending in 2002", "card 2002", "last four digits are 2002", "2002 wala"
    r"(?:ending|ends|card|last four|last 4)(?:\s+(?:digits?|in|with|is|are|number)){0,3}\s*\d{4}\b"
    rf"|\b\d{{4}}\s*(?:wala|wale|vala|vale|वाला|वाले){_END}"
    # dates: 2026-12-05, 12/05, 12-05-2026, Dec 5, 5th of December, 15 tareekh
    r"|\b\d{4}-\d{1,2}-\d{1,2}\b|\b\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}\b|\b\d{1,2}/\d{1,2}\b"
    rf"|(?<![\w{DEVANAGARI_LETTERS}])(?:{_MONTH_NAMES})\.?\s+\d{{1,2}}(?:st|nd|rd|th)?\b"
    rf"|\b\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?(?:{_MONTH_NAMES}){_END}"
    rf"|\b\d{{1,2}}(?:st|nd|rd|th)?\s*(?:tareekh|tarikh|tarik|tareek|तारीख){_END}"
    # spans and times: "in 3 days", "3 din mein", "at 5 pm", "5 baje", "10:30"
    rf"|\b\d{{1,3}}\s*(?:days?|din|दिन|weeks?|months?|years?){_END}"
    r"|\b\d{1,2}(?::\d{2})?\s*(?:am|pm|baje)\b|\b\d{1,2}:\d{2}\b",
)
# "Rs. 500/-": the Indian mark for "and no paise".
_NO_PAISE = re.compile(r"(\d)\s*/-")


# --- reading ------------------------------------------------------------------------------------
_PIECE = re.compile(
    rf"(?P<num>\d+(?:,\d+)*(?:\.\d+)?|\.\d+)|(?P<word>[a-z{DEVANAGARI_LETTERS}]+)|(?P<sign>[$₹£€])|(?P<mark>\S)"
)
_SEE_THROUGH = {".", ","}  # "Rs. 500", "one lakh, fifty thousand"
_TOUCHING_STOPS = set("/-:%")  # 5-6, 1/2, 10:30, 5% are not amounts
_NUMBER_STARTS = {"num", "unit", "mod", "article", "hundred", "scale"}


@dataclass(frozen=True)
class _Token:
    kind: str  # num unit mod article hundred scale joiner currency unclear stop
    value: Decimal = Decimal(0)  # a currency's: what one of it is worth (paise: 0.01 rupee)
    currency: str | None = None
    word: str = ""


@dataclass(frozen=True)
class _Piece:
    kind: str
    text: str
    start: int
    end: int


def _pieces(text: str) -> list[_Piece]:
    return [_Piece(str(m.lastgroup), m.group(), m.start(), m.end()) for m in _PIECE.finditer(text)]


def _tokens(text: str) -> list[_Token]:
    pieces = _pieces(text)
    tokens = []
    for index, piece in enumerate(pieces):
        before = pieces[index - 1] if index and pieces[index - 1].end == piece.start else None
        after = (
            pieces[index + 1] if index + 1 < len(pieces) and pieces[index + 1].start == piece.end else None
        )
        if piece.kind == "num":
            beyond = pieces[index + 2] if after and index + 2 < len(pieces) else None
            tokens.append(_digits(piece, before, after, beyond))
        elif piece.kind == "word":
            tokens.append(_word(piece.text, after_digits=before is not None and before.kind == "num"))
        elif piece.kind == "sign":
            tokens.append(_Token("currency", Decimal(1), CURRENCY_SIGNS[piece.text]))
        elif piece.text not in _SEE_THROUGH:
            tokens.append(_Token("stop"))
    return tokens


def _digits(piece: _Piece, before: _Piece | None, after: _Piece | None, beyond: _Piece | None) -> _Token:
    """A number in digits, or a stop when it is part of something else (15th, 5-6, x2, 1.2.3)."""
    if before is not None and (
        before.text in _TOUCHING_STOPS or (before.kind == "word" and before.text not in CURRENCY_WORDS)
    ):
        return _Token("stop")
    if after is not None:
        if after.text in _TOUCHING_STOPS:
            return _Token("stop")
        if after.text == "." and beyond is not None and beyond.kind == "num" and beyond.start == after.end:
            return _Token("stop")
        attachable = SCALES.keys() | ATTACHED_SCALES.keys() | CURRENCY_WORDS.keys() | SUBUNIT_WORDS.keys()
        if after.kind == "word" and after.text not in attachable:
            return _Token("stop")
    value = _decimal(piece.text)
    return _Token("unclear") if value is None else _Token("num", value)


def _decimal(digits: str) -> Decimal | None:
    """Digits grouped the Indian way (1,00,000) or the Western way (100,000); None for 1,0000."""
    if "," not in digits:
        return Decimal(digits)
    for locale in ("en_IN", "en_US"):
        try:
            return parse_decimal(digits, locale=locale, strict=True)
        except NumberFormatError:
            continue
    return None


def _word(word: str, after_digits: bool) -> _Token:
    if word in UNITS:
        return _Token("unit", UNITS[word])
    if word in MODIFIERS:
        return _Token("mod", MODIFIERS[word], word=word)
    if word in HUNDREDS:
        return _Token("hundred", Decimal(100))
    if word in SCALES:
        return _Token("scale", Decimal(SCALES[word]))
    if after_digits and word in ATTACHED_SCALES:
        return _Token("scale", Decimal(ATTACHED_SCALES[word]))
    if word in JOINERS:
        return _Token("joiner")
    if word in ARTICLES:
        return _Token("article")
    if word in CURRENCY_WORDS:
        return _Token("currency", Decimal(1), CURRENCY_WORDS[word])
    if word in SUBUNIT_WORDS:
        return _Token("currency", Decimal("0.01"), SUBUNIT_WORDS[word])
    return _Token("stop")


@dataclass(frozen=True)
class _Number:
    value: Decimal
    end: int  # index of the first token after it
    counts: bool  # digits or a scale in it: an amount even without a currency
    clear: bool = True


def _follows(current: Decimal, value: Decimal) -> bool:
    """Whether a number word continues the one before: "two hundred" + "fifty", "twenty" + "five"."""
    if current != current.to_integral_value() or value != value.to_integral_value():
        return False
    rest = current % 100
    return (rest == 0 and current >= 100 and value < 100) or (
        rest >= 20 and rest % 10 == 0 and 0 < value < 10
    )


def _read_number(tokens: list[_Token], start: int) -> _Number | None:
    """The number that starts at `start`, composed left to right: units, hundreds, then scales
    from the largest down ("one crore fifty lakh", "2 lakh 50 thousand", "do sau pachaas")."""
    first = tokens[start]
    total, current = Decimal(0), None
    last_scale: Decimal | None = None
    hundred = digits = False
    bare = first.kind in ("hundred", "scale")  # "sau rupaye": a number only with a currency
    index = start
    if first.kind == "article":
        if start + 1 >= len(tokens) or tokens[start + 1].kind not in ("hundred", "scale"):
            return None
        current, index = Decimal(1), start + 1
    while index < len(tokens):
        token = tokens[index]
        following = tokens[index + 1] if index + 1 < len(tokens) else None
        if token.kind == "num":
            if current is None:
                if last_scale is not None and token.value >= last_scale:
                    return _Number(total, index, True, clear=False)  # "2 lakh 3,00,000"
                current, digits = token.value, True
            elif hundred and _follows(current, token.value):
                current += token.value
            else:
                break
        elif token.kind == "unit":
            if current is None:
                current = token.value
            elif _follows(current, token.value):
                current += token.value
            else:
                break
        elif token.kind == "mod":
            if current is not None:
                break
            if following is not None and following.kind == "unit":
                current = following.value + token.value
                index += 1
            elif (
                token.word in ONE_AND_A_QUARTER
                and following is not None
                and following.kind in ("hundred", "scale")
            ):
                current = 1 + token.value  # "sava lakh"
            else:
                break
        elif token.kind == "hundred":
            if hundred or (current is not None and current >= 100):
                return _Number(total, index, True, clear=False)  # "five hundred two hundred"
            current, hundred = (Decimal(1) if current is None else current) * 100, True
        elif token.kind == "scale":
            if last_scale is not None and token.value >= last_scale:
                return _Number(total, index, True, clear=False)  # "ek lakh do lakh"
            total += (Decimal(1) if current is None else current) * token.value  # "lakh" alone is one
            current, hundred, last_scale = None, False, token.value
        elif token.kind == "joiner":
            # "two hundred and fifty", "5 lakh aur 20 hazaar"
            scaled = hundred or last_scale is not None
            if not (scaled and following is not None and following.kind in ("unit", "num", "mod")):
                break
        else:
            break
        index += 1
    if index == start:
        return None
    counts = (digits or hundred or last_scale is not None) and not bare
    return _Number(total + (current or 0), index, counts)


def read_money(text: str) -> Money | None:
    """The one amount in the text, with the currency named with it; None for none or several."""
    cleaned = _NOT_AMOUNTS.sub(" ; ", _NO_PAISE.sub(r"\1", fold(text)))
    tokens = _tokens(cleaned)
    found: list[Money] = []
    index = 0
    while index < len(tokens):
        if tokens[index].kind == "unclear":
            return None
        number = _read_number(tokens, index) if tokens[index].kind in _NUMBER_STARTS else None
        if number is None:
            index += 1
            continue
        if not number.clear:
            return None
        before = tokens[index - 1] if index else None
        after = tokens[number.end] if number.end < len(tokens) else None
        named = {
            token.currency for token in (before, after) if token is not None and token.kind == "currency"
        }
        if len(named) > 1:
            return None
        if number.counts or named:
            value = number.value * (after.value if after is not None and after.kind == "currency" else 1)
            minor = value.scaleb(MINOR_DIGITS)
            if minor != minor.to_integral_value() or value >= _LIMIT:
                return None
            found.append(Money(int(minor), named.pop() if named else None))
        index = max(number.end, index + 1)
    # An amount with a currency wins over bare numbers: "pay $200, 3 cards" is 200.
    if any(money.currency for money in found):
        found = [money for money in found if money.currency]
    currencies = {money.currency for money in found if money.currency}
    amounts = {money.minor for money in found}
    if len(amounts) != 1 or len(currencies) > 1:
        return None
    return Money(amounts.pop(), currencies.pop() if currencies else None)

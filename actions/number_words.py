"""Number, scale and currency words in English, Hinglish (Hindi in Latin letters) and Hindi.

Only the common forms: every unit up to twenty and the round tens in each language, the scales
people use for money (hundred, thousand, lakh, crore, million) and the Hindi fractions said of
money ("dedh lakh" is 1.5 lakh, "saade teen hazaar" 3,500). Keys are folded (common/folding.py),
so "हज़ार" and "हजार" are one key.
"""

from __future__ import annotations

from decimal import Decimal

from common.folding import fold

_ENGLISH_UNITS = [
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
]
_ENGLISH_TENS = {
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fourty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
}
# Hindi in Latin letters, with the spellings people actually type.
_HINGLISH = {
    "ek": 1,
    "do": 2,
    "teen": 3,
    "tin": 3,
    "char": 4,
    "chaar": 4,
    "paanch": 5,
    "panch": 5,
    "paach": 5,
    "chhe": 6,
    "chhah": 6,
    "che": 6,
    "saat": 7,
    "aath": 8,
    "nau": 9,
    "das": 10,
    "gyarah": 11,
    "barah": 12,
    "baarah": 12,
    "terah": 13,
    "chaudah": 14,
    "pandrah": 15,
    "solah": 16,
    "satrah": 17,
    "atharah": 18,
    "unnis": 19,
    "unnees": 19,
    "bees": 20,
    "bis": 20,
    "pachees": 25,
    "pachchis": 25,
    "pachis": 25,
    "tees": 30,
    "chalis": 40,
    "chalees": 40,
    "chaalis": 40,
    "pachaas": 50,
    "pachas": 50,
    "saath": 60,
    "sattar": 70,
    "assi": 80,
    "nabbe": 90,
}
_HINDI = {
    "एक": 1,
    "दो": 2,
    "तीन": 3,
    "चार": 4,
    "पाँच": 5,
    "छह": 6,
    "छः": 6,
    "छे": 6,
    "सात": 7,
    "आठ": 8,
    "नौ": 9,
    "दस": 10,
    "ग्यारह": 11,
    "बारह": 12,
    "पंद्रह": 15,
    "बीस": 20,
    "पच्चीस": 25,
    "तीस": 30,
    "चालीस": 40,
    "पचास": 50,
    "साठ": 60,
    "सत्तर": 70,
    "अस्सी": 80,
    "नब्बे": 90,
}
# One and a half and two and a half have words of their own.
_FRACTIONS = {
    "dedh": "1.5",
    "derh": "1.5",
    "डेढ़": "1.5",
    "dhai": "2.5",
    "dhaai": "2.5",
    "adhai": "2.5",
    "ढाई": "2.5",
}
UNITS: dict[str, Decimal] = {
    fold(word): Decimal(str(value))
    for word, value in [
        *((word, number) for number, word in enumerate(_ENGLISH_UNITS)),
        *_ENGLISH_TENS.items(),
        *_HINGLISH.items(),
        *_HINDI.items(),
        *_FRACTIONS.items(),
    ]
}

# Said before a number: "saade teen" 3.5, "sava do" 2.25, "paune do" 1.75; "sava lakh" 1.25 lakh.
MODIFIERS: dict[str, Decimal] = {
    fold(word): Decimal(value)
    for word, value in {
        "saade": "0.5",
        "sade": "0.5",
        "saadhe": "0.5",
        "sadhe": "0.5",
        "साढ़े": "0.5",
        "sava": "0.25",
        "sawa": "0.25",
        "सवा": "0.25",
        "paune": "-0.25",
        "pone": "-0.25",
        "पौने": "-0.25",
    }.items()
}
ONE_AND_A_QUARTER = {fold(word) for word in ("sava", "sawa", "सवा")}

HUNDREDS = {fold(word) for word in ("hundred", "sau", "सौ")}
SCALES: dict[str, int] = {
    fold(word): value
    for word, value in {
        "thousand": 1_000,
        "hazaar": 1_000,
        "hazar": 1_000,
        "hajar": 1_000,
        "hajaar": 1_000,
        "हज़ार": 1_000,
        "lakh": 100_000,
        "lakhs": 100_000,
        "lac": 100_000,
        "lacs": 100_000,
        "laakh": 100_000,
        "लाख": 100_000,
        "million": 1_000_000,
        "crore": 10_000_000,
        "crores": 10_000_000,
        "cr": 10_000_000,
        "karod": 10_000_000,
        "karor": 10_000_000,
        "करोड़": 10_000_000,
    }.items()
}
# Only straight after digits ("5k", "1.5L"): alone, "k" is "okay" and "l" is anything.
ATTACHED_SCALES = {"k": 1_000, "l": 100_000}
JOINERS = {fold(word) for word in ("and", "aur", "और")}
# "a hundred", "a lakh": one of the scale that follows.
ARTICLES = {"a"}

CURRENCY_SIGNS = {"$": "USD", "₹": "INR", "£": "GBP", "€": "EUR"}
CURRENCY_WORDS: dict[str, str] = {
    fold(word): code
    for word, code in {
        "usd": "USD",
        "dollar": "USD",
        "dollars": "USD",
        "bucks": "USD",
        "inr": "INR",
        "rs": "INR",
        "rupee": "INR",
        "rupees": "INR",
        "rupaye": "INR",
        "rupaiye": "INR",
        "rupay": "INR",
        "rupye": "INR",
        "rupiya": "INR",
        "rupiye": "INR",
        "रुपये": "INR",
        "रुपए": "INR",
        "रुपया": "INR",
        "रुपयों": "INR",
        "रु": "INR",
    }.items()
}
# A hundredth of the currency, after a number: "50 paise" is ₹0.50.
SUBUNIT_WORDS: dict[str, str] = {
    fold(word): code
    for word, code in {"paise": "INR", "paisa": "INR", "पैसे": "INR", "cents": "USD", "cent": "USD"}.items()
}

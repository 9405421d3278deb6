"""Devanagari written in Latin letters, roughly as people write Hinglish ("पैसे कट गए" → "paise kat gae").

The intent classifier reads a Devanagari message together with this spelling, so it shares
character n-grams with the Hinglish and English training examples: "पेंडिंग" reads "pending",
"फ्रॉड" "frod". A rough phonetic spelling is enough for that; it is not a transliteration
standard. Nukta letters fall back to their base letter (people write ज़्यादा and ज्यादा alike),
and the inherent vowel is dropped where Hindi drops it (at the end of a word, and in the middle
between two sounded syllables: करना → karna).
"""

from __future__ import annotations

import re
import unicodedata

CONSONANTS = {
    "क": "k", "ख": "kh", "ग": "g", "घ": "gh", "ङ": "n",
    "च": "ch", "छ": "chh", "ज": "j", "झ": "jh", "ञ": "n",
    "ट": "t", "ठ": "th", "ड": "d", "ढ": "dh", "ण": "n",
    "त": "t", "थ": "th", "द": "d", "ध": "dh", "न": "n",
    "प": "p", "फ": "f", "ब": "b", "भ": "bh", "म": "m",
    "य": "y", "र": "r", "ल": "l", "ळ": "l", "व": "v",
    "श": "sh", "ष": "sh", "स": "s", "ह": "h",
}  # fmt: skip
VOWELS = {
    "अ": "a", "आ": "a", "इ": "i", "ई": "i", "उ": "u", "ऊ": "u", "ऋ": "ri",
    "ए": "e", "ऐ": "ai", "ओ": "o", "औ": "au", "ऑ": "o", "ऍ": "e",
}  # fmt: skip
VOWEL_SIGNS = {
    "ा": "a", "ि": "i", "ी": "i", "ु": "u", "ू": "u", "ृ": "ri",
    "े": "e", "ै": "ai", "ो": "o", "ौ": "au", "ॉ": "o", "ॅ": "e",
}  # fmt: skip
NASALS = {"ं": "n", "ँ": "n", "ः": "h"}
VIRAMA = "्"
NUKTA = "़"
DIGITS = {chr(0x0966 + d): str(d) for d in range(10)}
INHERENT = "a"
_DEVANAGARI = re.compile(r"[\u0900-\u097F]")
_DEVANAGARI_WORD = re.compile(r"[\u0900-\u097F]+")


def has_devanagari(text: str) -> bool:
    return bool(_DEVANAGARI.search(text))


def _syllables(word: str) -> list[list[str]]:
    """[consonant, vowel, kind] per syllable; kind is 'inherent', 'sign' or 'none' (virama)."""
    syllables: list[list[str]] = []
    for char in word:
        if char in CONSONANTS:
            syllables.append([CONSONANTS[char], INHERENT, "inherent"])
        elif char in VOWEL_SIGNS and syllables:
            syllables[-1][1:] = [VOWEL_SIGNS[char], "sign"]
        elif char == VIRAMA and syllables:
            syllables[-1][1:] = ["", "none"]
        elif char in VOWELS:
            syllables.append(["", VOWELS[char], "sign"])
        elif char in NASALS and syllables:
            syllables[-1][1] += NASALS[char]
        elif char in DIGITS:
            syllables.append([DIGITS[char], "", "none"])
    return syllables


def _drop_schwas(syllables: list[list[str]]) -> None:
    if syllables and syllables[-1][2] == "inherent" and len(syllables) > 1:
        syllables[-1][1:] = ["", "none"]
    for i in range(1, len(syllables) - 1):
        before, this, after = syllables[i - 1], syllables[i], syllables[i + 1]
        if this[2] == "inherent" and before[2] != "none" and after[2] != "none" and before[1]:
            this[1:] = ["", "none"]


def romanize_word(word: str) -> str:
    word = unicodedata.normalize("NFD", word).replace(NUKTA, "")
    syllables = _syllables(word)
    _drop_schwas(syllables)
    return "".join(consonant + vowel for consonant, vowel, _ in syllables)


def romanize(text: str) -> str:
    """The text with every Devanagari word spelt in Latin letters (anything else unchanged)."""
    return _DEVANAGARI_WORD.sub(lambda match: romanize_word(match.group()), text)

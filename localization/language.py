"""Which language a message is written in, and whether it asks to switch the answers' language.

Two answer languages: English ("en") and Hindi in Devanagari ("hi").
- A message mostly in Devanagari is Hindi: the customer is answered in Hindi from then on.
- Hinglish (Hindi in Latin letters) is understood but answered in English: whoever writes Latin
  letters reads them, while romanised Hindi has no agreed spelling and a bank's exact steps
  ("choose Forgot User ID") read most clearly in English. "Hindi mein" switches to Devanagari.
- A Latin message from a customer answered in Hindi keeps Hindi: User IDs, codes, amounts and
  "ok" are Latin, and the answers must not flip language in the middle of a task.
- An explicit switch ("English please", "Hindi mein baat karo", "हिंदी में") always wins.

Pure functions, no I/O; used by the NLU component (nlu_components/language_detector.py) and by
the channels for the few lines they write themselves.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

ENGLISH = "en"
HINDI = "hi"
LANGUAGES = (ENGLISH, HINDI)

# Names of the two languages as customers write them.
_LANGUAGE_NAMES = {
    ENGLISH: r"english|inglish|angrezi|angreji|अंग्रेज़ी|अंग्रेजी|इंग्लिश",
    HINDI: r"hindi|hindee|हिंदी|हिन्दी",
}
# Words that may stand beside a language's name in a message that only asks for it ("can you
# talk in Hindi please", "हिंदी में बात करें", "angrezi mein bolo").
_SWITCH_WORDS = frozenset(
    """please pls plz kripya in into mein me main mai में मे speak talk reply answer write chat respond
    switch change language lang bhasha भाषा baat bat बात karo kariye kijiye karein करो करें कीजिए करिए
    bolo boliye बोलो बोलिए likho likhiye लिखो लिखिए samjhao समझाओ chahiye चाहिए only sirf सिर्फ can could
    you do to with us let's lets continue from now on ab अब se से hi ही ok okay sure i want would like
    prefer the a mujhse mujhe मुझसे मुझे hum हम aap आप kya क्या ji जी sakte sakti सकते सकती hain hai हैं
    है ho हो तो hello कृपया जवाब jawab दें दीजिए dijiye de""".split()  # noqa: SIM905 (easier to read as text)
)
# A switch said inside a longer message ("Hindi mein batao balance kitna hai", "reply in English").
_DIRECTIVES = (
    r"(?:{names})\s+(?:mein|me|main|mai|में|मे)(?!\w)",
    r"(?:reply|answer|talk|speak|write|respond|chat|explain)\s+(?:to\s+me\s+|with\s+me\s+)?in\s+(?:{names})",
    r"(?:switch|change)\s+(?:the\s+)?(?:language\s+)?(?:to|into)\s+(?:{names})",
    r"(?:in\s+)?(?:{names})\s+(?:please|pls|plz)",
)
# Words with Devanagari vowel signs and viramas kept whole.
_WORD = re.compile(r"[\w\u0900-\u097f']+")


@dataclass(frozen=True)
class LanguageSwitch:
    language: str
    only_switch: bool  # nothing else asked in the message
    start: int
    end: int


def _is_devanagari(char: str) -> bool:
    return "\u0900" <= char <= "\u097f" or "\ua8e0" <= char <= "\ua8ff"


def script_language(text: str) -> str | None:
    """ "hi" when most letters are Devanagari, "en" when most are Latin, None otherwise (no letters,
    or another script such as Tamil, which the assistant does not answer in)."""
    letters = [char for char in text if char.isalpha() or unicodedata.category(char) in ("Mn", "Mc")]
    if not letters:
        return None
    devanagari = sum(1 for char in letters if _is_devanagari(char))
    if devanagari * 4 >= len(letters):
        return HINDI
    latin = sum(1 for char in letters if unicodedata.name(char, "").startswith("LATIN"))
    return ENGLISH if latin * 2 > len(letters) else None


def find_switch(text: str) -> LanguageSwitch | None:
    """A request to be answered in English or Hindi, if the message holds one: the message is only
    that request, or says it in so many words ("Hindi mein batao …", "reply in English")."""
    lowered = text.lower()
    words = [word for word in _WORD.findall(lowered) if not word.isdigit()]
    for language, names in _LANGUAGE_NAMES.items():
        match = re.search(rf"(?<![\w\u0900-\u097f])(?:{names})(?![\w\u0900-\u097f])", lowered)
        if not match:
            continue
        rest = [word for word in words if not re.fullmatch(names, word) and word not in _SWITCH_WORDS]
        if not rest:
            return LanguageSwitch(language, only_switch=True, start=match.start(), end=match.end())
        if any(re.search(pattern.format(names=names), lowered) for pattern in _DIRECTIVES):
            return LanguageSwitch(language, only_switch=False, start=match.start(), end=match.end())
    return None


def answer_language(text: str, current: str | None) -> str:
    """The language to answer this message in, given the one used so far."""
    switch = find_switch(text)
    if switch is not None:
        return switch.language
    if script_language(text) == HINDI:
        return HINDI
    return current if current in LANGUAGES else ENGLISH

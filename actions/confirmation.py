"""Reads a yes or a no to a confirmation, and nothing else.

A confirmation guards a change with money or a customer's details at stake, so only an explicit
yes confirms: the whole message is one of a short list of yes answers (punctuation and case
ignored), or it is the yes button's payload (`/affirm`; the SMS channel maps the choice's number
to the same payload). A message that merely contains a yes word ("how do I …", "please tell me
…", "is that right?", "ok but what is my balance") is not a yes, and the NLU's affirm intent is
never taken for one. A no is a whole-message no answer, `/deny`, or a no word followed only by
polite filler ("no thanks", "nope, not now"); declining changes nothing, so it may be a little
broader than the yes.

Customers in India answer in Hindi or Hinglish as often as in English ("haan", "ji haan", "theek
hai", "kar do", "हाँ"; "nahi", "mat karo", "रहने दो"): the same strictness holds, whole-message
answers from the lists below, folded (common/folding.py) so "हाँ" and "हां" are one answer.
"""

from __future__ import annotations

import re
from typing import Any

from actions.phrases import phrase
from common.folding import DEVANAGARI_LETTERS, fold

AFFIRM_PAYLOAD = "/affirm"
DENY_PAYLOAD = "/deny"

YES_ANSWERS = frozenset(
    {
        "yes",
        "y",
        "yeah",
        "yea",
        "yep",
        "yup",
        "sure",
        "ok",
        "okay",
        "confirm",
        "confirmed",
        "i confirm",
        "correct",
        "thats correct",
        "that is correct",
        "thats right",
        "that is right",
        "go ahead",
        "please go ahead",
        "do it",
        "please do",
        "please do it",
        "proceed",
        "please proceed",
        "absolutely",
        "yes please",
        "yes pls",
        "yes go ahead",
        "yes do it",
        "yes please do",
        "yes proceed",
        "yes confirm",
        "yes i confirm",
        "yes correct",
        "yes thats right",
        "yes thats correct",
        "yes pay it",
        "yes thanks",
        "yes thank you",
        "ok go ahead",
        "okay go ahead",
        "sure go ahead",
        "ok do it",
        "okay do it",
        # Hinglish
        "haan",
        "haa",
        "ha",
        "han",
        "haan ji",
        "ha ji",
        "ji",
        "jee",
        "ji haan",
        "ji ha",
        "ji han",
        "haan haan",
        "theek hai",
        "thik hai",
        "theek h",
        "thik h",
        "haan theek hai",
        "sahi hai",
        "haan sahi hai",
        "bilkul",
        "haan bilkul",
        "ji bilkul",
        "kar do",
        "kardo",
        "kar dijiye",
        "haan kar do",
        "ha kar do",
        "ji kar do",
        "ok kar do",
        "okay kar do",
        "theek hai kar do",
        "pay kar do",
        "haan pay kar do",
        # Hindi
        "हाँ",
        "हां",
        "हा",
        "जी",
        "जी हाँ",
        "हाँ जी",
        "ठीक है",
        "हाँ ठीक है",
        "सही है",
        "बिल्कुल",
        "हाँ बिल्कुल",
        "कर दो",
        "कर दीजिए",
        "हाँ कर दो",
        "जी कर दो",
        "ठीक है कर दो",
        # The Hindi questions end "आगे बढ़ें?" (go ahead?); the yes button says "हाँ, भुगतान करें".
        "हाँ करें",
        "हाँ कीजिए",
        "हाँ कर दीजिए",
        "जी हाँ कर दीजिए",
        "आगे बढ़ें",
        "आगे बढ़िए",
        "हाँ आगे बढ़ें",
        "हाँ भुगतान करें",
        "हाँ भुगतान कर दो",
        "भुगतान कर दो",
        "भुगतान करें",
        "हाँ रिडीम करें",
        "हाँ बदल दो",
        "हाँ बदल दीजिए",
        "पुष्टि करें",
        "हाँ पुष्टि करें",
        "aage badho",
        "aage badhiye",
        "haan aage badho",
        "haan payment karo",
        "haan pay karo",
        "pay karo",
        "haan karo",
        "haan kijiye",
    }
)
NO_ANSWERS = frozenset(
    {
        "no",
        "n",
        "nope",
        "nah",
        "no way",
        "cancel",
        "cancel it",
        "dont",
        "do not",
        "dont do it",
        "do not do it",
        "not now",
        "stop",
        "never mind",
        "nevermind",
        "incorrect",
        "wrong",
        "thats wrong",
        "thats not right",
        "that is not right",
        "negative",
        # Hinglish
        "nahi",
        "nahin",
        "nahi ji",
        "ji nahi",
        "nai",
        "nhi",
        "na",
        "naa",
        "mat karo",
        "mat kar",
        "mat kijiye",
        "rehne do",
        "rahne do",
        "abhi nahi",
        "nahi chahiye",
        "cancel karo",
        "cancel kar do",
        # Hindi
        "नहीं",
        "नही",
        "ना",
        "जी नहीं",
        "नहीं जी",
        "मत करो",
        "मत कीजिए",
        "रहने दो",
        "रहने दीजिए",
        "अभी नहीं",
        "नहीं चाहिए",
        "रद्द करें",
        "रद्द करो",
        "रद्द कर दो",
        "रद्द कर दीजिए",
        "भुगतान मत करो",
        "नहीं धन्यवाद",
        "radd karo",
        "radd kar do",
        "nahi rehne do",
    }
)
NO_WORDS = frozenset({"no", "nope", "nah", "nahi", "nahin", "नहीं"})
# Words that may follow a leading no without making it a new request ("no thanks, not now").
DECLINE_FILLER = frozenset(
    {
        "thanks",
        "thank",
        "you",
        "please",
        "pls",
        "dont",
        "do",
        "not",
        "now",
        "cancel",
        "it",
        "that",
        "thats",
        "stop",
        "wrong",
        "never",
        "mind",
        "leave",
        "i",
        "changed",
        "my",
        "need",
        "want",
        "to",
        # "nahi, abhi nahi", "nahi ji shukriya", "नहीं, रहने दो"
        "nahi",
        "nahin",
        "abhi",
        "ji",
        "mat",
        "karo",
        "rehne",
        "rahne",
        "chahiye",
        "shukriya",
        "dhanyavad",
        "dhanyawad",
        "नहीं",
        "अभी",
        "जी",
        "मत",
        "करो",
        "रहने",
        "दो",
        "चाहिए",
        "धन्यवाद",
        "शुक्रिया",
    }
)
# Anything but letters (Latin or Devanagari, vowel signs included), digits and spaces.
_PUNCTUATION = re.compile(rf"[^\w\s{DEVANAGARI_LETTERS}]|_")


def normalise(text: str) -> str:
    """Folded (lower case, one Devanagari spelling), apostrophes dropped ("that's" → "thats"),
    other punctuation (the danda "।" too) as spaces."""
    return " ".join(_PUNCTUATION.sub(" ", fold(text).replace("'", "")).split())


def _normalised(answers: frozenset[str]) -> frozenset[str]:
    return frozenset(normalise(answer) for answer in answers)


# The lists as written above, in the form normalise() gives a message ("हाँ" as "हां").
YES_ANSWERS = _normalised(YES_ANSWERS)
NO_ANSWERS = _normalised(NO_ANSWERS)
NO_WORDS = _normalised(NO_WORDS)
DECLINE_FILLER = _normalised(DECLINE_FILLER)


def yes_no_buttons(language: str) -> list[dict[str, Any]]:
    """The yes and no buttons under a confirmation, titled in the answer language."""
    return [
        {"title": phrase("yes", language), "payload": AFFIRM_PAYLOAD},
        {"title": phrase("no", language), "payload": DENY_PAYLOAD},
    ]


def read_yes_no(text: str) -> bool | None:
    """True for an explicit yes, False for an explicit no, None for anything else."""
    stripped = text.strip()
    if stripped == AFFIRM_PAYLOAD:
        return True
    if stripped == DENY_PAYLOAD:
        return False
    if stripped.startswith("/"):
        # Any other payload (`/affirm{"payment_confirmed": true}`, `/inform…`) is not an answer.
        return None
    said = normalise(stripped)
    if said in YES_ANSWERS:
        return True
    if said in NO_ANSWERS:
        return False
    words = said.split()
    if words and words[0] in NO_WORDS and set(words[1:]) <= DECLINE_FILLER:
        return False
    return None

"""Reads a yes or a no to a confirmation, and nothing else.

A confirmation guards a change with money or a customer's details at stake, so only an explicit
yes confirms: the whole message is one of a short list of yes answers (punctuation and case
ignored), or it is the yes button's payload (`/affirm`; the SMS channel maps the choice's number
to the same payload). A message that merely contains a yes word ("how do I …", "please tell me
…", "is that right?", "ok but what is my balance") is not a yes, and the NLU's affirm intent is
never taken for one. A no is a whole-message no answer, `/deny`, or a no word followed only by
polite filler ("no thanks", "nope, not now"); declining changes nothing, so it may be a little
broader than the yes.
"""

from __future__ import annotations

import re
import unicodedata

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
    }
)
NO_WORDS = frozenset({"no", "nope", "nah"})
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
    }
)


def normalise(text: str) -> str:
    """Lower case, apostrophes dropped ("that's" → "thats"), other punctuation as spaces."""
    folded = unicodedata.normalize("NFKC", text).lower().replace("\u2019", "'").replace("'", "")
    return " ".join(re.sub(r"[^\w\s]|_", " ", folded).split())


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

"""What a reply to an alert says: yes, no, pay, a new card, STOP or START; or nothing we can act on.

A "no" to "Did you make this purchase?" freezes a card and a "yes" leaves a possible fraud alone,
so both are read strictly: a reply is an answer only when it holds a yes phrase or a no phrase and
not both ("no, it was me" is asked again). Negations are found first and their words used up, so
"I did not" is a no and "maine nahi kiya" is not also read as "maine kiya". "ok" and "fine" are
not answers here: they may only mean "I read it".

Customers answer in English, Hindi (Devanagari) and Hinglish ("haan", "nahi", "maine nahi kiya");
text is folded (common/folding.py) so "हाँ" and "हां", "wasn't" and "wasnt" are one answer.
STOP and START are whole-message keywords, as carriers use them.
"""

from __future__ import annotations

from typing import Literal

from common.folding import fold, fold_all, tokens

Answer = Literal["yes", "no", "pay", "new_card", "stop", "start"]


def _phrases(*texts: str) -> tuple[tuple[str, ...], ...]:
    """Each phrase as folded words, longest first (so "not me" is tried before "me")."""
    folded = {tuple(tokens(text.replace("'", ""))) for text in texts}
    return tuple(sorted(folded, key=len, reverse=True))


NO_PHRASES = _phrases(
    "no", "nope", "nah", "n", "never", "fraud", "not me", "not mine", "wasnt me", "was not me",
    "didnt", "did not", "havent", "have not", "dont recognise", "dont recognize", "do not recognise",
    "do not recognize", "not made by me", "someone else", "not authorised", "not authorized",
    # Hindi and Hinglish
    "नहीं", "नही", "ना", "नहि", "धोखा", "फ्रॉड", "मैंने नहीं", "मेरा नहीं",
    "nahi", "nahin", "nahi", "nai", "nhi", "na", "naa", "nahi kiya", "mera nahi", "maine nahi",
)  # fmt: skip
YES_PHRASES = _phrases(
    "yes", "y", "yeah", "yea", "yep", "yup", "ya", "yes it was me", "it was me", "that was me", "was me",
    "i did", "i made it", "i made this", "mine", "its mine", "correct", "thats right", "that is right",
    "confirm", "i confirm", "genuine", "legit",
    # Hindi and Hinglish
    "हां", "हा", "जी", "जी हां", "हां जी", "मैंने किया", "मैंने ही किया", "मेरा है", "सही है", "मैंने की",
    "haan", "han", "haa", "ha", "haanji", "ji", "ji haan", "haan ji", "maine kiya", "maine hi kiya",
    "maine ki", "mera hai", "sahi hai", "main tha", "mai tha", "meri hai",
)  # fmt: skip
PAY_ANSWERS = fold_all(
    {"pay", "pay now", "pay it", "pay bill", "pay my bill", "pay the bill", "/pay_bill"}
    | {"pay karo", "pay kar do", "abhi pay karo", "bhugtan karo", "bhugtan kar do"}
    | {"भुगतान करें", "भुगतान करो", "भुगतान कर दो", "अभी भुगतान करें", "पे करो"}
)
NEW_CARD_ANSWERS = fold_all(
    {"new card", "a new card", "new card please", "replace", "replace it", "replace card", "replacement"}
    | {
        "send a new card",
        "send new card",
        "yes new card",
        "naya card",
        "naya card bhejo",
        "naya card chahiye",
    }
    | {"नया कार्ड", "नया कार्ड भेजें", "नया कार्ड भेजो", "नया कार्ड चाहिए"}
)
STOP_ANSWERS = fold_all(
    {"stop", "stopall", "unsubscribe", "stop alerts", "/stop", "alerts stop"}
    | {"alert band karo", "alerts band karo", "अलर्ट बंद करो", "अलर्ट बंद करें"}
)
START_ANSWERS = fold_all(
    {"start", "unstop", "start alerts", "subscribe", "alerts start"}
    | {"alert chalu karo", "alerts chalu karo", "अलर्ट चालू करो", "अलर्ट चालू करें"}
)


def whole(text: str) -> str:
    """The message as one folded phrase: words only, single spaces ("STOP!" -> "stop")."""
    raw = fold(text).strip()
    if raw.startswith("/") and " " not in raw:
        return raw  # a command or a button's payload, kept as sent
    return " ".join(tokens(raw.replace("'", "")))


def read_answer(text: str) -> Answer | None:
    said = whole(text)
    for answer, answers in (
        ("stop", STOP_ANSWERS),
        ("start", START_ANSWERS),
        ("pay", PAY_ANSWERS),
        ("new_card", NEW_CARD_ANSWERS),
    ):
        if said in answers:
            return answer  # type: ignore[return-value]
    return read_yes_no(text)


def read_yes_no(text: str) -> Literal["yes", "no"] | None:
    words = tokens(fold(text).replace("'", ""))
    if not words or len(words) > 20:
        return None
    used = [False] * len(words)
    said_no = _find(words, NO_PHRASES, used)
    said_yes = _find(words, YES_PHRASES, used)
    if said_no == said_yes:
        return None  # neither, or both: ask again
    return "no" if said_no else "yes"


def _find(words: list[str], phrases: tuple[tuple[str, ...], ...], used: list[bool]) -> bool:
    """Whether any phrase occurs among the words not used yet; marks the words it used."""
    found = False
    for phrase in phrases:
        size = len(phrase)
        for start in range(len(words) - size + 1):
            span = range(start, start + size)
            if tuple(words[start : start + size]) == phrase and not any(used[i] for i in span):
                for i in span:
                    used[i] = True
                found = True
    return found

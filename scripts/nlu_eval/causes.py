"""Why a held-out message went wrong: transparent word-list rules, one per suspected cause.

A wrong prediction gets every cause whose rule fires (so the counts overlap), or `other` when
none does. The rules look only at the message, the expected and the predicted topic, and the
training vocabulary; they are meant to be read and argued with, not to be clever.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable

from scripts.nlu_eval.scoring import FALLBACK, OUT_OF_SCOPE, REJECTIONS, Prediction

CAUSES = {
    "negation": "negation (not, don't, never, नहीं, nahi …)",
    "account_vs_card": "'account' wording where a card topic is meant or predicted",
    "fees_charges": "fees, charges or interest words",
    "passcode_vs_code": "passcode/PIN/fingerprint/password vs code/OTP wording on a sign-in or PIN topic",
    "long_or_multi": "long message, several sentences or two requests",
    "misspelling": "misspelling (an unseen word a letter or two from a training word)",
    "unseen_word": "word absent from the training data (a new word, or a new form of a training word)",
    "out_of_scope_accepted": "out of scope, yet taken for a topic",
    "rejected_by_fallback": "in scope, rejected by the fallback (low confidence)",
    "taken_as_out_of_scope": "in scope, predicted out_of_scope",
    "other": "no rule fired",
}

# Letters, digits and apostrophes; Devanagari explicitly, since Python's \w leaves out its vowel
# signs (नहीं would fall apart), but not its danda, which ends a sentence.
TOKEN = re.compile(r"[\w\u0900-\u0963\u0966-\u097f']+")
SENTENCE_END = re.compile(r"[.?!\u0964\u0965]+\s+|\n+")


def words_of(text: str) -> frozenset[str]:
    """A word list written as one string, phrases joined by underscores ("face_id")."""
    return frozenset(word.replace("_", " ") for word in text.split())


# Apostrophes are dropped before matching, so "dont" stands for don't and don’t.
NEGATIONS = words_of(
    "not no never nothing none neither nor without cannot cant dont doesnt didnt wont isnt wasnt "
    "arent havent hasnt couldnt shouldnt wouldnt aint "
    "नहीं नही नहि मत न बिना "
    "nahi nahin nahii nhi nai mat bina"
)
ACCOUNT_WORDS = words_of("account accounts acct acc खाता खाते अकाउंट एकाउंट khata khate akaunt")
FEE_WORDS = words_of(
    "fee fees charge charges charged charging interest apr penalty surcharge "
    "शुल्क चार्ज चार्जेस ब्याज फीस जुर्माना पेनल्टी "
    "shulk charj charje byaj byaaj jurmana"
)
PASSCODE_WORDS = words_of(
    "passcode pin pins fingerprint biometric biometrics face_id faceid touch_id touchid password passwords "
    "पासकोड पिन फिंगरप्रिंट पासवर्ड"
)
# A hyphen splits words, so "one_time" matches one-time too.
CODE_WORDS = words_of("code codes otp otps one_time कोड ओटीपी")
REQUEST_JOINERS = words_of(
    "also as_well and_then another_thing one_more_thing and_how and_what and_can and_where and_when "
    "and_why and_i_want and_i_need "
    "साथ_ही और_भी इसके_अलावा इसके_साथ saath_hi sath_hi aur_bhi iske_alawa iske_alava iske_saath"
)
LONG_MESSAGE_WORDS = 20


def topic_names(text: str) -> frozenset[str]:
    return frozenset(text.split())


CARD_TOPICS = topic_names(
    "activate_card freeze_card unfreeze_card report_fraud dispute_charge replace_card card_declined "
    "manage_pin card_benefits"
)
# Topics about signing in or a card's PIN, where a passcode, a password, a PIN and a code get mixed up.
CREDENTIAL_TOPICS = topic_names(
    "mfa_help manage_pin reset_password password_requirements login_help account_locked mobile_app "
    "find_user_id"
)


def tokens(text: str) -> list[str]:
    """Lower-case words, curly apostrophes straightened and then dropped (don't == dont)."""
    return [t.replace("'", "") for t in TOKEN.findall(text.lower().replace("\u2019", "'")) if t.strip("'")]


def mentions(words: list[str], vocabulary: Iterable[str]) -> bool:
    """A single word is matched as a token, a phrase as consecutive tokens."""
    joined = f" {' '.join(words)} "
    present = set(words)
    return any(f" {entry} " in joined if " " in entry else entry in present for entry in vocabulary)


def sentence_count(text: str) -> int:
    return sum(1 for part in SENTENCE_END.split(text.strip()) if len(tokens(part)) >= 2)


# Endings stripped to see a new form of a known word (rejects / rejected, chose / chosen) as such
# rather than as a misspelling.
ENDINGS = ("ing", "ed", "es", "en", "er", "ly", "s", "n", "d")


def stem(word: str) -> str:
    for ending in ENDINGS:
        if word.endswith(ending) and len(word) - len(ending) >= 3:
            word = word[: -len(ending)]
            break
    return word.removesuffix("e")


class Vocabulary:
    """The words of the training examples, to tell a misspelling from a word the data never had."""

    def __init__(self, texts: Iterable[str]) -> None:
        self.words = {word for text in texts for word in tokens(text)}
        self._sorted = sorted(self.words)
        self._stems = {stem(word): word for word in self._sorted}

    def unseen(self, words: list[str]) -> list[str]:
        return [w for w in dict.fromkeys(words) if w not in self.words and not any(c.isdigit() for c in w)]

    def form_of(self, word: str) -> str | None:
        """The training word an unseen word is another form of (same stem), if any."""
        root = stem(word)
        return root if root in self.words else self._stems.get(root)  # accessing: access, itself a word

    def closest(self, word: str) -> str | None:
        """The training word a misspelling most likely meant (difflib ratio at least 0.8)."""
        if len(word) < 4:
            return None
        matches = difflib.get_close_matches(word, self._sorted, n=1, cutoff=0.8)
        return matches[0] if matches else None


def tag(prediction: Prediction, vocabulary: Vocabulary) -> tuple[list[str], dict[str, str]]:
    """The causes of one wrong prediction, and the words that made the word-level rules fire."""
    words = tokens(prediction.text)
    topics = {prediction.expected, prediction.predicted}
    causes = []
    details: dict[str, str] = {}
    if mentions(words, NEGATIONS):
        causes.append("negation")
    if mentions(words, ACCOUNT_WORDS) and topics & CARD_TOPICS:
        causes.append("account_vs_card")
    if mentions(words, FEE_WORDS):
        causes.append("fees_charges")
    if (mentions(words, PASSCODE_WORDS) or mentions(words, CODE_WORDS)) and topics & CREDENTIAL_TOPICS:
        causes.append("passcode_vs_code")
    if (
        len(words) > LONG_MESSAGE_WORDS
        or sentence_count(prediction.text) >= 2
        or mentions(words, REQUEST_JOINERS)
    ):
        causes.append("long_or_multi")
    misspelt, new = [], []
    for word in vocabulary.unseen(words):
        form_of = vocabulary.form_of(word)
        meant = None if form_of else vocabulary.closest(word)
        if meant:
            misspelt.append(f"{word}→{meant}")
        else:
            new.append(f"{word} (form of {form_of})" if form_of else word)
    if misspelt:
        causes.append("misspelling")
        details["misspelling"] = ", ".join(misspelt)
    if new:
        causes.append("unseen_word")
        details["unseen_word"] = ", ".join(new)
    if not prediction.in_scope and prediction.predicted not in REJECTIONS:
        causes.append("out_of_scope_accepted")
    if prediction.in_scope and prediction.predicted == FALLBACK:
        causes.append("rejected_by_fallback")
    if prediction.in_scope and prediction.predicted == OUT_OF_SCOPE:
        causes.append("taken_as_out_of_scope")
    return causes or ["other"], details


def tag_errors(predictions: Iterable[Prediction], vocabulary: Vocabulary) -> None:
    """Fill in `causes` and `details` of every wrong prediction (right ones keep none)."""
    for prediction in predictions:
        if not prediction.right:
            prediction.causes, prediction.details = tag(prediction, vocabulary)

"""The few lines the channels write themselves (not Rasa responses), in each answer language.

A channel knows only the message in front of it, so it picks the language by that message's
script (localization/language.py).
"""

from __future__ import annotations

from localization.language import ENGLISH, HINDI, script_language

CARD_NUMBER_WARNING = {
    ENGLISH: (
        "For your safety, please don't type your full card number in chat: I never need it here. "
        "I've kept only its last 4 digits."
    ),
    HINDI: (
        "आपकी सुरक्षा के लिए, कृपया चैट में अपना पूरा कार्ड नंबर न लिखें: यहाँ इसकी कभी ज़रूरत नहीं होती। "
        "मैंने उसके सिर्फ़ आख़िरी 4 अंक रखे हैं।"
    ),
}


def for_message(lines: dict[str, str], message: str) -> str:
    """The line in the language the message is written in (English when unsure)."""
    return lines.get(script_language(message) or ENGLISH, lines[ENGLISH])

"""The words of alerts and of the answers to their replies.

Alerts are short and kind, name the merchant, the amount and the card by its last four only: no
card number, no code and no link is ever in an alert (a message on a lock screen is public). The
alert itself is in English (the language of the issuer's notices); the answers to a reply follow
the reply: Hindi for a reply in Devanagari, English otherwise (Hinglish is read, answered in
English, as the assistant does: localization/language.py).

WhatsApp outside its 24-hour window takes only pre-approved templates: TEMPLATES holds their
approved wording, with the numbered variables WhatsApp fills in; the free text sent inside the
window says the same.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from babel.dates import format_date
from babel.numbers import format_currency

from localization.language import ENGLISH, HINDI, script_language

CHANNEL_NAMES = {
    ENGLISH: {"sms": "text message", "whatsapp": "WhatsApp", "telegram": "Telegram", "email": "email"},
    HINDI: {"sms": "एसएमएस", "whatsapp": "व्हाट्सऐप", "telegram": "टेलीग्राम", "email": "ईमेल"},
}
_LOCALES = {"USD": "en_US", "INR": "en_IN"}


@dataclass(frozen=True)
class Button:
    title: str
    payload: str


@dataclass(frozen=True)
class AlertText:
    """What one alert says, and the template a WhatsApp message outside its window uses instead."""

    text: str
    template: str
    variables: tuple[str, ...]
    buttons: tuple[Button, ...] = field(default=())


# Approved WhatsApp templates (category UTILITY): their wording with {{n}} variables.
TEMPLATES = {
    "fraud_check": "{{1}}: {{2}} at {{3}} on your card ending {{4}}. Did you make this purchase? "
    "Reply YES or NO.",
    "payment_due": "{{1}}: a payment of at least {{2}} on your card ending {{3}} is due on {{4}}. "
    "Reply PAY to pay now, or ignore this if you have paid.",
    "balance": "{{1}}: the balance on your card ending {{2}} is now {{3}}, above the {{4}} you asked us "
    "to tell you about.",
}


def fill(template: str, variables: tuple[str, ...]) -> str:
    text = TEMPLATES[template]
    for number, value in enumerate(variables, start=1):
        text = text.replace(f"{{{{{number}}}}}", value)
    return text


def money(cents: int, currency: str) -> str:
    """$1,249.99 and ₹1,00,000.00: the currency's sign and its own grouping."""
    return format_currency(Decimal(cents) / 100, currency, locale=_LOCALES.get(currency, "en_US"))


def long_date(day: date, currency: str) -> str:
    return format_date(
        day, "d MMMM" if currency == "INR" else "MMMM d", locale=_LOCALES.get(currency, "en_US")
    )


def fraud_check(issuer: str, cents: int, currency: str, merchant: str, last_four: str) -> AlertText:
    variables = (issuer, money(cents, currency), merchant, last_four)
    buttons = (Button("Yes, it was me", "YES"), Button("No, not me", "NO"))
    return AlertText(fill("fraud_check", variables), "fraud_check", variables, buttons)


def payment_due(issuer: str, cents: int, currency: str, last_four: str, due: date) -> AlertText:
    variables = (issuer, money(cents, currency), last_four, long_date(due, currency))
    return AlertText(fill("payment_due", variables), "payment_due", variables, (Button("Pay now", "PAY"),))


def balance(issuer: str, last_four: str, cents: int, threshold_cents: int, currency: str) -> AlertText:
    variables = (issuer, last_four, money(cents, currency), money(threshold_cents, currency))
    return AlertText(fill("balance", variables), "balance", variables)


def by_email(alert: AlertText, question: str | None) -> str:
    """An email cannot be answered here: it says where to act instead of asking for a reply."""
    if question == "fraud_check":
        head = alert.text.split(" Did you make")[0]
        return (
            f"{head} If you did not make this purchase, freeze your card in the app or in chat, or "
            "call the number on the back of your card."
        )
    if question == "pay_now":
        return alert.text.split(" Reply PAY")[0] + " You can pay in the app, online or in chat."
    return alert.text


# --- answers to replies ----------------------------------------------------------------------------
def reply_language(text: str) -> str:
    return HINDI if script_language(text) == HINDI else ENGLISH


ANSWERS = {
    "confirmed": {
        ENGLISH: "Thank you. We've noted that this purchase was yours; there's nothing else to do.",
        HINDI: "धन्यवाद। हमने दर्ज कर लिया है कि यह खरीदारी आपने की थी; आपको और कुछ नहीं करना है।",
    },
    "reported": {
        ENGLISH: "Thank you for telling us. We've frozen your card ending {last_four} so no one can use it, "
        "and opened fraud case {reference}. Would you like a new card with a new number? Reply NEW CARD "
        "and I'll help you order it after a quick identity check.",
        HINDI: "बताने के लिए धन्यवाद। हमने आपका कार्ड (आखिरी अंक {last_four}) फ़्रीज़ कर दिया है ताकि कोई उसे "
        "इस्तेमाल न कर सके, और फ़्रॉड केस {reference} खोल दिया है। क्या आपको नए नंबर वाला नया कार्ड चाहिए? "
        '"नया कार्ड" लिखें, पहचान की छोटी-सी जाँच के बाद मैं उसे ऑर्डर करने में मदद करूँगा।',
    },
    "reported_card_gone": {
        ENGLISH: "Thank you for telling us. We've opened fraud case {reference}. The card ending {last_four} "
        "has already been replaced, so it can't be used.",
        HINDI: "बताने के लिए धन्यवाद। हमने फ़्रॉड केस {reference} खोल दिया है। आखिरी अंक {last_four} वाला "
        "कार्ड पहले ही बदला जा चुका है, इसलिए उसका इस्तेमाल नहीं हो सकता।",
    },
    "reask": {
        ENGLISH: "Sorry, I didn't catch that. Did you make the {amount} purchase at {merchant}? "
        "Please reply YES or NO.",
        HINDI: "माफ़ कीजिए, मैं समझ नहीं पाया। क्या {merchant} पर {amount} की खरीदारी आपने की थी? "
        "कृपया हाँ या नहीं लिखें (YES या NO)।",
    },
    "next_question": {
        ENGLISH: "One more: did you make the {amount} purchase at {merchant}? Please reply YES or NO.",
        HINDI: "एक और: क्या {merchant} पर {amount} की खरीदारी आपने की थी? कृपया हाँ या नहीं लिखें (YES या NO)।",
    },
    "no_new_card": {
        ENGLISH: "Okay, no new card for now. Your card stays frozen; ask me for a replacement any time.",
        HINDI: "ठीक है, अभी नया कार्ड नहीं। आपका कार्ड फ़्रीज़ रहेगा; नया कार्ड कभी भी माँग सकते हैं।",
    },
    "not_paying": {
        ENGLISH: "Okay. You can ask me to pay your bill any time.",
        HINDI: "ठीक है। आप कभी भी मुझसे बिल का भुगतान करने को कह सकते हैं।",
    },
    "stopped": {
        ENGLISH: "You won't get {issuer} alerts by {channel} any more. Reply START to turn them back on.",
        HINDI: "अब आपको {channel} पर {issuer} के अलर्ट नहीं मिलेंगे। फिर से चालू करने के लिए START लिखें।",
    },
    "started": {
        ENGLISH: "{issuer} alerts by {channel} are on again. Reply STOP to turn them off.",
        HINDI: "{channel} पर {issuer} के अलर्ट फिर से चालू हैं। बंद करने के लिए STOP लिखें।",
    },
    "linked": {
        ENGLISH: "This chat is now linked to your {issuer} account: your alerts will come here. "
        "Reply STOP to turn them off.",
        HINDI: "यह चैट अब आपके {issuer} खाते से जुड़ गई है: आपके अलर्ट यहीं आएँगे। बंद करने के लिए STOP लिखें।",
    },
    "link_failed": {
        ENGLISH: "That link code didn't work; it may have expired. Ask me for Telegram alerts in chat to get "
        "a new one.",
        HINDI: "यह लिंक कोड काम नहीं किया; शायद उसकी समय-सीमा खत्म हो गई। नया कोड पाने के लिए चैट में "
        "टेलीग्राम अलर्ट माँगें।",
    },
    "link_paused": {
        ENGLISH: "Too many link codes from this chat didn't work, so no code is checked from it for now. "
        "Try again in an hour.",
        HINDI: "इस चैट से भेजे गए बहुत से लिंक कोड काम नहीं किए, इसलिए अभी इससे कोई कोड नहीं जाँचा जाएगा। "
        "एक घंटे बाद फिर कोशिश करें।",
    },
}


def answer(key: str, language: str, **values: str) -> str:
    texts = ANSWERS[key]
    return texts.get(language, texts[ENGLISH]).format(**values)

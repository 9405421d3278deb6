"""How the assistant names a topic when it offers the second of two requests ("freeze my card and
send me a new one": after the freeze, "You also asked about a replacement card").

The names fit "You also asked about …" and "आपने … के बारे में भी पूछा था".
"""

from __future__ import annotations

from typing import Any

from localization.language import ENGLISH, HINDI

TOPIC_NAMES: dict[str, dict[str, str]] = {
    "register_online": {ENGLISH: "registering for online access", HINDI: "ऑनलाइन रजिस्ट्रेशन"},
    "find_user_id": {ENGLISH: "your User ID", HINDI: "अपनी यूज़र आईडी"},
    "reset_password": {ENGLISH: "resetting your password", HINDI: "पासवर्ड रीसेट करने"},
    "account_locked": {ENGLISH: "your locked online account", HINDI: "लॉक हुए ऑनलाइन अकाउंट"},
    "login_help": {ENGLISH: "logging in", HINDI: "लॉग-इन"},
    "mfa_help": {ENGLISH: "one-time codes", HINDI: "वन-टाइम कोड"},
    "password_requirements": {ENGLISH: "the password rules", HINDI: "पासवर्ड के नियमों"},
    "browser_troubleshooting": {ENGLISH: "trouble with the website", HINDI: "वेबसाइट की दिक्कत"},
    "mobile_app": {ENGLISH: "the mobile app", HINDI: "मोबाइल ऐप"},
    "check_balance": {ENGLISH: "your balance", HINDI: "अपने बैलेंस"},
    "pay_bill": {ENGLISH: "a payment", HINDI: "पेमेंट"},
    "setup_autopay": {ENGLISH: "autopay", HINDI: "ऑटोपे"},
    "view_statements": {ENGLISH: "your statements", HINDI: "अपने स्टेटमेंट"},
    "recent_transactions": {ENGLISH: "your recent transactions", HINDI: "हाल के ट्रांज़ैक्शन"},
    "activate_card": {ENGLISH: "activating a card", HINDI: "कार्ड एक्टिवेट करने"},
    "freeze_card": {ENGLISH: "freezing a card", HINDI: "कार्ड फ़्रीज़ करने"},
    "unfreeze_card": {ENGLISH: "unfreezing a card", HINDI: "कार्ड अनफ़्रीज़ करने"},
    "report_fraud": {ENGLISH: "charges you did not make", HINDI: "आपके न किए गए ट्रांज़ैक्शन"},
    "dispute_charge": {ENGLISH: "disputing a charge", HINDI: "किसी चार्ज पर आपत्ति"},
    "replace_card": {ENGLISH: "a replacement card", HINDI: "नए कार्ड"},
    "card_declined": {ENGLISH: "a declined card", HINDI: "कार्ड डिक्लाइन होने"},
    "rewards": {ENGLISH: "your rewards", HINDI: "अपने रिवॉर्ड पॉइंट्स"},
    "manage_alerts": {ENGLISH: "your alerts", HINDI: "अलर्ट"},
    "update_personal_details": {ENGLISH: "your contact details", HINDI: "अपनी संपर्क जानकारी"},
    "manage_pin": {ENGLISH: "your PIN", HINDI: "पिन"},
    "card_benefits": {ENGLISH: "your card's benefits", HINDI: "कार्ड के फ़ायदों"},
    "contact_support": {ENGLISH: "contacting customer service", HINDI: "कस्टमर सर्विस से संपर्क"},
    "human_handoff": {ENGLISH: "talking to a person", HINDI: "किसी व्यक्ति से बात करने"},
    "security_tips": {ENGLISH: "staying safe", HINDI: "सुरक्षा"},
    "report_phishing": {ENGLISH: "a suspicious message", HINDI: "संदिग्ध मैसेज"},
}
OFFER = {
    ENGLISH: "You also asked about {topic}. Shall we do that now?",
    HINDI: "आपने {topic} के बारे में भी पूछा था। क्या अब वह करें?",
}
YES_NO = {ENGLISH: ("Yes, go on", "No, thanks"), HINDI: ("हाँ, आगे बढ़ें", "नहीं, धन्यवाद")}


def topic_name(topic: str, language: str | None) -> str | None:
    names = TOPIC_NAMES.get(topic)
    if names is None:
        return None
    return names.get(language or ENGLISH, names[ENGLISH])


def offer_buttons(topic: str, language: str | None) -> list[dict[str, Any]]:
    yes, no = YES_NO.get(language or ENGLISH, YES_NO[ENGLISH])
    return [{"title": yes, "payload": f"/{topic}"}, {"title": no, "payload": "/deny"}]


def offer_text(topic: str, language: str | None) -> str | None:
    name = topic_name(topic, language)
    if name is None:
        return None
    return OFFER.get(language or ENGLISH, OFFER[ENGLISH]).format(topic=name)

"""The words the actions put into responses, in each answer language: values such as {how},
{alert} or a line of a list, and the titles of the buttons the actions build.

The sentences are in domain/*.yml (English) and locales/<language>.yml; a value filled into a
Hindi sentence must be Hindi too, in the form that sentence expects: "मैंने {how} {destination}
पर …" wants "ईमेल से", where the English "I've sent a code {how} {destination}" wants "by email
to". The English entries are exactly what the English answers showed before there was a second
language (tests assert them). Names from the account service (products, merchants, rewards
options) and the numbers themselves stay as they are, in every language.

Dates are worded by actions/formatting.py, money by its currency; both take the language too.
"""

from __future__ import annotations

from typing import Any

from localization.language import ENGLISH, HINDI

PHRASES: dict[str, dict[str, str]] = {
    # --- the identity check: where a code went ("… a 6-digit code to {on_file}") ---------------
    "email_on_file": {ENGLISH: "the email address on file", HINDI: "रिकॉर्ड में दर्ज आपके ईमेल पते"},
    "phone_on_file": {ENGLISH: "the phone number on file", HINDI: "रिकॉर्ड में दर्ज आपके फ़ोन नंबर"},
    # "{how} {destination}": the Hindi sentence puts पर after the destination itself.
    "by_email": {ENGLISH: "by email to", HINDI: "ईमेल से"},
    "by_text": {ENGLISH: "by text message to", HINDI: "एसएमएस से"},
    "contact_on_file": {ENGLISH: "your contact on file", HINDI: "रिकॉर्ड में दर्ज आपके संपर्क"},
    # "locked until about {until}", when the service gave no time.
    "time_unknown": {ENGLISH: "later", HINDI: "कुछ देर"},
    # --- yes and no buttons under a confirmation --------------------------------------------------
    "yes": {ENGLISH: "Yes", HINDI: "हाँ"},
    "no": {ENGLISH: "No", HINDI: "नहीं"},
    "yes_pay": {ENGLISH: "Yes, pay it", HINDI: "हाँ, भुगतान करें"},
    # --- paying the bill and autopay --------------------------------------------------------------
    "statement_balance_button": {ENGLISH: "Statement balance ({amount})", HINDI: "स्टेटमेंट बैलेंस ({amount})"},
    "minimum_due_button": {ENGLISH: "Minimum due ({amount})", HINDI: "न्यूनतम देय राशि ({amount})"},
    "other_amount_button": {ENGLISH: "Another amount", HINDI: "कोई और रकम"},
    "today_button": {ENGLISH: "Today", HINDI: "आज"},
    "due_date_button": {ENGLISH: "On {day}", HINDI: "{day} को"},
    # "from {bank}" when the service named no bank account ("… {bank} से").
    "your_bank_account": {ENGLISH: "your bank account", HINDI: "आपके बैंक खाते"},
    # "your {product} ending {card}" when the service named no product.
    "card": {ENGLISH: "card", HINDI: "कार्ड"},
    # What autopay pays each month ("it pays {amount} each month"; "हर महीने {amount} का भुगतान").
    "autopay_statement_balance": {ENGLISH: "the statement balance", HINDI: "स्टेटमेंट बैलेंस"},
    "autopay_minimum_due": {ENGLISH: "the minimum due", HINDI: "न्यूनतम देय राशि"},
    # --- cards and their transactions -------------------------------------------------------------
    "card_button": {ENGLISH: "{product} ending {last_four}", HINDI: "{product} (आखिरी अंक {last_four})"},
    "pending": {ENGLISH: " (pending)", HINDI: " (पेंडिंग)"},
    "the_merchant": {ENGLISH: "the merchant", HINDI: "मर्चेंट"},
    # --- statements ---------------------------------------------------------------------------------
    "link_unavailable": {ENGLISH: "(the link could not be made just now)", HINDI: "(अभी लिंक नहीं बन सका)"},
    # --- rewards --------------------------------------------------------------------------------------
    "option_price": {ENGLISH: "{step} points = {value}", HINDI: "{step} पॉइंट्स = {value}"},
    "option_from": {ENGLISH: "{name}: from {step} points", HINDI: "{name}: {step} पॉइंट्स से शुरू"},
    "all_points_button": {ENGLISH: "All I can ({most} points)", HINDI: "ज़्यादा से ज़्यादा ({most} पॉइंट्स)"},
    # --- alerts: the list ("{label}: {state}") ---------------------------------------------------
    "alert_large_purchase_threshold": {ENGLISH: "Large purchases", HINDI: "बड़ी खरीदारी"},
    "alert_online_transactions": {ENGLISH: "Online transactions", HINDI: "ऑनलाइन ट्रांज़ैक्शन"},
    "alert_payment_due": {ENGLISH: "Payment due reminders", HINDI: "भुगतान की ड्यू डेट के रिमाइंडर"},
    "alert_balance_threshold": {ENGLISH: "Balance above an amount", HINDI: "तय रकम से ज़्यादा बैलेंस"},
    "alert_on_above": {ENGLISH: "on, above {amount}", HINDI: "चालू, {amount} से ज़्यादा पर"},
    "alert_on": {ENGLISH: "on", HINDI: "चालू"},
    "alert_off": {ENGLISH: "off", HINDI: "बंद"},
    # --- alerts: the one asked about ("alert you for {alert}", "{alert} के अलर्ट चालू करें …") ------
    "ask_alert_large_purchase_threshold": {ENGLISH: "large purchases", HINDI: "बड़ी खरीदारी"},
    "ask_alert_online_transactions": {ENGLISH: "online transactions", HINDI: "ऑनलाइन ट्रांज़ैक्शन"},
    "ask_alert_payment_due": {ENGLISH: "payment due reminders", HINDI: "भुगतान की ड्यू डेट"},
    "ask_alert_balance_threshold": {ENGLISH: "balance above an amount", HINDI: "बैलेंस"},
    "ask_alert_unknown": {ENGLISH: "this alert", HINDI: "इस सुविधा"},
    # --- where alerts go ("Alerts go to: WhatsApp"; the buttons of the question) ------------------
    "alert_channel": {ENGLISH: "Alerts go to", HINDI: "अलर्ट यहाँ आते हैं"},
    "channel_sms": {ENGLISH: "Text message", HINDI: "एसएमएस"},
    "channel_whatsapp": {ENGLISH: "WhatsApp", HINDI: "व्हाट्सऐप"},
    "channel_telegram": {ENGLISH: "Telegram", HINDI: "टेलीग्राम"},
    "channel_email": {ENGLISH: "Email", HINDI: "ईमेल"},
    # "(until you link it: Text message)" after Telegram in the list
    "telegram_not_linked": {
        ENGLISH: " (until you link a chat: text message)",
        HINDI: " (चैट जोड़ने तक: एसएमएस)",
    },
    # Linking a Telegram chat: "send /link CODE to {bot} …{link}"
    "our_telegram_bot": {ENGLISH: "our Telegram bot", HINDI: "हमारे टेलीग्राम बॉट"},
    "or_open_link": {ENGLISH: " Or open {url} on your phone.", HINDI: " या अपने फ़ोन पर {url} खोलें।"},
    "on_button": {ENGLISH: "On", HINDI: "चालू"},
    "off_button": {ENGLISH: "Off", HINDI: "बंद"},
    # --- personal details ("change your {what} to …"; "आपका {what} बदलकर …": masculine nouns) ---
    "email_address": {ENGLISH: "email address", HINDI: "ईमेल पता"},
    "mailing_address": {ENGLISH: "mailing address", HINDI: "डाक का पता"},
    # --- how long a reset link works ("It works for {lifetime}"; "यह {lifetime} तक काम करेगा") ---
    "one_hour": {ENGLISH: "{hours} hour", HINDI: "{hours} घंटे"},
    "hours": {ENGLISH: "{hours} hours", HINDI: "{hours} घंटे"},
    "minutes": {ENGLISH: "{minutes} minutes", HINDI: "{minutes} मिनट"},
    # --- when the team answers the chat ("they answer the chat {agent_hours}") -------------------
    "agent_hours_unknown": {ENGLISH: "during opening hours", HINDI: "कामकाजी घंटों में"},
    # The account service's own words when AGENT_HOURS=always or never (account_service/agent_hours.py).
    "agent_hours_always": {ENGLISH: "around the clock", HINDI: "चौबीसों घंटे, हफ़्ते के सातों दिन"},
    "agent_hours_never": {ENGLISH: "not staffed at the moment", HINDI: "फ़िलहाल किसी भी समय नहीं"},
}


def phrase(key: str, language: str, **values: Any) -> str:
    """The phrase in `language` (English when it has none), with its {values} filled in."""
    texts = PHRASES[key]
    return texts.get(language, texts[ENGLISH]).format(**values)

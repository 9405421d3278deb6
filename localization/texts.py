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


SLOW_DOWN = {
    ENGLISH: "You're sending messages faster than I can read them. Please wait a few seconds and try again.",
    HINDI: "आप इतनी तेज़ी से संदेश भेज रहे हैं कि मैं पढ़ नहीं पा रहा। कृपया कुछ सेकंड रुककर फिर भेजें।",
}
LEFT_QUEUE = {
    ENGLISH: "You've left the queue and you're back with the assistant. What can I do for you?",
    HINDI: "आप कतार से निकल गए हैं और फिर से असिस्टेंट के साथ हैं। बताइए, मैं क्या मदद करूँ?",
}
HANDOFF_WAITING = {
    ENGLISH: (
        "Your message is with the team. You're number {position} in the queue "
        "(about {wait} minutes); a colleague will reply here. "
        'To go back to the assistant instead, type "cancel".'
    ),
    HINDI: (
        "आपका संदेश टीम तक पहुँच गया है। कतार में आपका नंबर {position} है (लगभग {wait} मिनट); "
        'हमारे सहयोगी यहीं जवाब देंगे। इसके बजाय असिस्टेंट पर लौटने के लिए "कैंसल" लिखें।'
    ),
}
HANDOFF_MESSAGE_LEFT = {
    ENGLISH: (
        "Thanks, your message is saved for the team with reference {reference}. "
        "They'll get back to you when they're available. Anything else, just ask me."
    ),
    HINDI: (
        "धन्यवाद, आपका संदेश टीम के लिए रेफ़रेंस {reference} के साथ सहेज लिया गया है। "
        "टीम उपलब्ध होते ही आपसे संपर्क करेगी। कुछ और चाहिए तो मुझसे पूछिए।"
    ),
}
# The queue moved (someone ahead was taken, left or was closed): the new place, told by the
# account service to the customers still waiting (account_service/queue_moves.py).
QUEUE_MOVED = {
    ENGLISH: "You're now number {position} in the queue; an agent will be with you in about {wait} minutes.",
    HINDI: "अब कतार में आपका नंबर {position} है; लगभग {wait} मिनट में कोई एजेंट आपसे जुड़ेगा।",
}
QUEUE_NEXT = {
    ENGLISH: "You're next in the queue; an agent will be with you in about {wait} minutes.",
    HINDI: "कतार में अगला नंबर आपका है; लगभग {wait} मिनट में कोई एजेंट आपसे जुड़ेगा।",
}
# An agent's part of a live handoff, told to the customer on their channel by the agent console.
AGENT_JOINED = {
    ENGLISH: "{agent} from our team has joined the chat and will help you from here.",
    HINDI: "हमारी टीम से {agent} चैट में जुड़ गए हैं और अब आगे आपकी मदद करेंगे।",
}
AGENT_LEFT = {
    ENGLISH: (
        "{agent} has left the conversation. Thank you for your patience. You're back with the "
        "assistant: ask me anything, any time."
    ),
    HINDI: ("{agent} बातचीत से चले गए हैं। धैर्य रखने के लिए धन्यवाद। अब आप फिर से असिस्टेंट के साथ हैं: कभी भी कुछ भी पूछिए।"),
}
AGENT_CLOSED = {
    ENGLISH: (
        "{agent} has closed this conversation and left. Thank you for talking with us. If you "
        "need anything else, the assistant is here."
    ),
    HINDI: (
        "{agent} ने यह बातचीत बंद कर दी है और चले गए हैं। हमसे बात करने के लिए धन्यवाद। कुछ और चाहिए तो असिस्टेंट यहीं है।"
    ),
}
# The message could not be handled this time (another replica still holds the conversation, or
# a part of the system did not answer): nothing was done with it, and sending it again is safe.
TRY_AGAIN = {
    ENGLISH: "Sorry, I couldn't take that message just now. Please send it again in a few seconds.",
    HINDI: "माफ़ कीजिए, अभी मैं यह संदेश नहीं ले पाया। कृपया कुछ सेकंड बाद इसे फिर से भेजें।",
}
# A resent message whose first copy is still being answered elsewhere.
STILL_WORKING = {
    ENGLISH: "I'm still working on that message. Please wait a few seconds.",
    HINDI: "मैं अभी उसी संदेश पर काम कर रहा हूँ। कृपया कुछ सेकंड रुकिए।",
}

"""A message that asks for two things: the first is the topic, the second is offered afterwards."""

from __future__ import annotations

from localization.nlg import offer_second_request
from localization.topics import offer_buttons, offer_text
from nlu_components.second_request import clauses, two_requests


def test_a_message_is_split_at_the_words_that_join_requests():
    assert clauses("freeze my card and send me a new one") == ["freeze my card", "send me a new one"]
    assert clauses("reset my password. Also, how do I get the app?") == [
        "reset my password",
        "how do I get the app",
    ]
    assert clauses("card freeze karo aur naya card bhejo") == ["card freeze karo", "naya card bhejo"]
    assert clauses("मेरा कार्ड ब्लॉक करो और नया कार्ड भेजो") == ["मेरा कार्ड ब्लॉक करो", "नया कार्ड भेजो"]
    # One-word pieces are not requests of their own.
    assert len(clauses("balance and stuff")) < 2


def test_two_confident_different_requests_one_of_them_diets_answer():
    found = two_requests([("freeze_card", 0.9), ("replace_card", 0.7)], "replace_card", 0.55)
    assert found == (("freeze_card", 0.9), ("replace_card", 0.7))


def test_anything_less_certain_leaves_the_topic_alone():
    assert two_requests([("freeze_card", 0.9), ("replace_card", 0.4)], "freeze_card", 0.55) is None
    assert two_requests([("replace_card", 0.9), ("replace_card", 0.8)], "replace_card", 0.55) is None
    assert two_requests([("greet", 0.9), ("reset_password", 0.9)], "reset_password", 0.55) is None
    # DIET named neither clause's topic: not a message this component understands.
    assert two_requests([("freeze_card", 0.9), ("replace_card", 0.9)], "check_balance", 0.55) is None


class Parsed:
    def __init__(self, intent: str, second: str | None) -> None:
        self.parse_data = {"intent": {"name": intent}, "second_request": {"name": second} if second else None}


def test_a_question_answered_first_ends_with_the_offer_of_the_second_in_the_answers_language():
    answer = {"text": "Download the app from Google Play.", "buttons": []}
    offer_second_request(answer, "utter_mobile_app", Parsed("mobile_app", "check_balance"), "en")
    assert answer["text"].endswith(offer_text("check_balance", "en"))
    assert {"title": "Yes, go on", "payload": "/check_balance"} in answer["buttons"]
    hindi = {"text": "ऐप Google Play से डाउनलोड करें।"}
    offer_second_request(hindi, "utter_mobile_app", Parsed("mobile_app", "check_balance"), "hi")
    assert "भी पूछा था" in hindi["text"] and hindi["buttons"] == offer_buttons("check_balance", "hi")


def test_no_offer_before_the_region_question_or_for_a_single_request():
    asked = {
        "text": "Is your card from the United States or India?",
        "buttons": [{"payload": '/inform{"region":"IN"}'}],
    }
    offer_second_request(asked, "utter_contact_support", Parsed("contact_support", "check_balance"), "en")
    assert "also asked" not in asked["text"]
    single = {"text": "Download the app."}
    offer_second_request(single, "utter_mobile_app", Parsed("mobile_app", None), "en")
    assert single == {"text": "Download the app."}


def test_the_clause_classifier_is_trained_saved_loaded_and_used(tmp_path):
    from rasa.engine.graph import ExecutionContext, GraphSchema
    from rasa.engine.storage.local_model_storage import LocalModelStorage
    from rasa.engine.storage.resource import Resource
    from rasa.shared.nlu.training_data.message import Message
    from rasa.shared.nlu.training_data.training_data import TrainingData

    from nlu_components.second_request import SecondRequestDetector

    examples = {
        "freeze_card": ["freeze my card", "please freeze the card", "block my card for now", "pause my card"],
        "replace_card": [
            "send me a new card",
            "I need a replacement card",
            "order a new card",
            "new card please",
        ],
        "check_balance": ["what is my balance", "how much do I owe", "show my balance", "balance please"],
    }
    data = TrainingData(
        [Message.build(text, intent) for intent, texts in examples.items() for text in texts * 3]
    )
    storage = LocalModelStorage(tmp_path)
    resource = Resource("clauses")
    context = ExecutionContext(GraphSchema({}), "test")
    SecondRequestDetector.create({"min_df": 1}, storage, resource, context).train(data)
    loaded = SecondRequestDetector.load({}, storage, resource, context)
    assert loaded.pipeline is not None  # a model that cannot be loaded would silently detect nothing
    message = Message.build("freeze my card and send me a new card")
    message.set("intent", {"name": "replace_card", "confidence": 0.6})
    loaded.process([message])
    assert message.get("intent")["name"] == "freeze_card"
    assert message.get("second_request")["name"] == "replace_card"

"""Responses come out in the language of the `language` slot (localization/nlg.py)."""

from __future__ import annotations

import asyncio
from pathlib import Path

from rasa.shared.core.domain import Domain
from rasa.shared.core.events import SlotSet
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import EndpointConfig

from localization.nlg import LocalizedNLG

DOMAIN = Domain.from_yaml(
    """
version: "3.1"
slots:
  language:
    type: categorical
    values: [en, hi]
    initial_value: en
    influence_conversation: false
    mappings: [{type: custom}]
  region_code:
    type: text
    influence_conversation: false
    mappings: [{type: custom}]
  support_phone:
    type: text
    influence_conversation: false
    mappings: [{type: custom}]
  region_known:
    type: bool
    initial_value: false
    influence_conversation: false
    mappings: [{type: custom}]
responses:
  utter_balance:
    - text: "Your balance is {amount}."
  utter_only_english:
    - text: "Only in English."
  utter_help:
    - condition: [{type: slot, name: region_known, value: true}]
      text: "Call {support_phone}."
    - text: "Where is your card from?"
      buttons: [{title: "India", payload: '/inform{{"region":"IN"}}'}]
"""
)
HINDI = """
responses:
  utter_balance:
    - text: "आपका बैलेंस {amount} है।"
  utter_help:
    - condition: [{type: slot, name: region_known, value: true}]
      text: "{support_phone} पर कॉल करें।"
    - text: "आपका कार्ड कहाँ का है?"
      buttons: [{title: "भारत", payload: '/inform{{"region":"IN"}}'}]
"""


def generate(nlg: LocalizedNLG, response: str, slots: dict, **values) -> dict:
    tracker = DialogueStateTracker.from_events(
        "someone", [SlotSet(k, v) for k, v in slots.items()], DOMAIN.slots
    )
    generated = asyncio.run(nlg.generate(response, tracker, "rest", **values))
    assert generated is not None
    return generated


def make_nlg(tmp_path: Path) -> LocalizedNLG:
    (tmp_path / "hi.yml").write_text(HINDI, encoding="utf-8")
    return LocalizedNLG(EndpointConfig(type="localization.nlg.LocalizedNLG", locales=str(tmp_path)), DOMAIN)


def test_hindi_when_the_slot_says_so_with_the_values_filled_in(tmp_path):
    nlg = make_nlg(tmp_path)
    assert (
        generate(nlg, "utter_balance", {"language": "hi"}, amount="₹1,200.00")["text"]
        == "आपका बैलेंस ₹1,200.00 है।"
    )
    assert (
        generate(nlg, "utter_balance", {"language": "en"}, amount="$5.00")["text"] == "Your balance is $5.00."
    )


def test_the_same_variation_is_chosen_in_either_language(tmp_path):
    nlg = make_nlg(tmp_path)
    asked = generate(nlg, "utter_help", {"language": "hi", "region_known": False})
    assert asked["text"] == "आपका कार्ड कहाँ का है?"
    assert asked["buttons"] == [{"title": "भारत", "payload": '/inform{"region":"IN"}'}]
    answered = generate(
        nlg, "utter_help", {"language": "hi", "region_known": True}, support_phone="1800 419 2122"
    )
    assert answered["text"] == "1800 419 2122 पर कॉल करें।"


def test_a_response_without_a_translation_falls_back_to_english(tmp_path):
    nlg = make_nlg(tmp_path)
    assert generate(nlg, "utter_only_english", {"language": "hi"})["text"] == "Only in English."
    assert generate(nlg, "utter_balance", {"language": "ta"}, amount="1")["text"] == "Your balance is 1."


def test_issuer_facts_in_words_come_in_the_answers_language_numbers_stay(tmp_path):
    nlg = make_nlg(tmp_path)
    us = {"region_known": True, "region_code": "US", "support_phone": "the toll-free number on the back"}
    assert "कार्ड के पीछे" in generate(nlg, "utter_help", {"language": "hi", **us})["text"]
    assert (
        generate(nlg, "utter_help", {"language": "en", **us})["text"]
        == "Call the toll-free number on the back."
    )
    india = {"region_known": True, "region_code": "IN", "support_phone": "1800-419-2122 or 1800-419-3646"}
    assert (
        "1800-419-2122 या 1800-419-3646" in generate(nlg, "utter_help", {"language": "hi", **india})["text"]
    )

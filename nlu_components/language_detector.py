"""Marks the language a message asks to be answered in, as the entity `language`.

The `language` slot is filled from this entity (domain/core.yml), so the answer to the same
message is already in the right language (localization/nlg.py picks the Hindi responses).
The entity appears only when the message changes something: it is in Devanagari (Hindi), or it
asks for a language ("English please", "Hindi mein"). A message that asks for nothing else is
a language switch, not a topic: its intent becomes `inform`, which the dialogue answers by
confirming the switch (or, inside a task, by asking the task's question again in that language).

Runs after the intent classifier and the fallback (config.yml), so it sees their decision.
"""

from __future__ import annotations

from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import ENTITIES, INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from localization.language import HINDI, find_switch, script_language

ENTITY = "language"
SWITCH_INTENT = "inform"
# Set (true) in the parse result of a message that only asks for a language; actions read it.
SWITCH_ONLY_KEY = "language_switch"


def language_entity(text: str) -> tuple[dict[str, Any] | None, bool]:
    """The `language` entity for a message, and whether the message is only a switch."""
    switch = find_switch(text)
    if switch is not None:
        entity = {"entity": ENTITY, "value": switch.language, "start": switch.start, "end": switch.end}
        return entity, switch.only_switch
    if script_language(text) == HINDI:
        return {"entity": ENTITY, "value": HINDI, "start": 0, "end": len(text)}, False
    return None, False


@DefaultV1Recipe.register(
    [DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR, DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER],
    is_trainable=False,
)
class LanguageDetector(GraphComponent):
    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> LanguageDetector:
        return cls()

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            text = message.get(TEXT) or ""
            if text.startswith("/"):
                continue  # a button payload says what it means already
            entity, only_switch = language_entity(text)
            if entity is None:
                continue
            entity["extractor"] = type(self).__name__
            message.set(ENTITIES, [*message.get(ENTITIES, []), entity], add_to_output=True)
            if only_switch:
                message.set(SWITCH_ONLY_KEY, True, add_to_output=True)
                switch = {"name": SWITCH_INTENT, "confidence": 1.0}
                message.set(INTENT, switch, add_to_output=True)
                ranking = message.get(INTENT_RANKING_KEY) or []
                ranking = [item for item in ranking if item["name"] != SWITCH_INTENT]
                message.set(INTENT_RANKING_KEY, [switch, *ranking], add_to_output=True)
        return messages

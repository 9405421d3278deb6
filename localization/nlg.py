"""Rasa's response generator, in the customer's language.

English responses are the domain's (domain/*.yml). For another language the same response names
come from locales/<language>.yml, with the same variations and conditions (tests/unit/
test_hindi_responses.py keeps them in step), and are chosen when the `language` slot names it.
A response missing from a locale falls back to English rather than to silence. Issuer facts
written in words (a duration, a region's name, where to find the phone number) come from
issuer.yml's `translations` in that language; numbers and links are the same in every language.

The answer to a question of a message that asked two things ("how do I reset my password, and
what's my balance") ends with an offer of the second (nlu_components/second_request.py); tasks
make that offer themselves when they end (actions/task_form.py).

Configured in endpoints.yml (`nlg: type: localization.nlg.LocalizedNLG`); Rasa builds it with
the endpoint's settings and the model's domain.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from rasa.core.nlg.response import TemplatedNaturalLanguageGenerator
from rasa.shared.core.domain import Domain
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import EndpointConfig

from actions.facts import load_issuer_config, translated_fact_slots
from localization.language import ENGLISH
from localization.topics import offer_buttons, offer_text

LOCALES = Path(__file__).resolve().parents[1] / "locales"
LANGUAGE_SLOT = "language"


def load_locale(path: Path) -> dict[str, list[dict[str, Any]]]:
    responses = (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("responses") or {}
    if not isinstance(responses, dict):
        raise ValueError(f"{path}: `responses` must map response names to variations")
    return responses


def load_locales(folder: Path) -> dict[str, TemplatedNaturalLanguageGenerator]:
    paths = sorted(folder.glob("*.yml"))
    return {path.stem: TemplatedNaturalLanguageGenerator(load_locale(path)) for path in paths}


class LocalizedNLG(TemplatedNaturalLanguageGenerator):
    def __init__(self, endpoint_config: EndpointConfig | None = None, domain: Domain | None = None) -> None:
        super().__init__((domain or Domain.empty()).responses)
        folder = Path((endpoint_config.kwargs.get("locales") if endpoint_config else None) or LOCALES)
        self.locales = load_locales(folder)

    def generator_for(self, language: Any, utter_action: str) -> TemplatedNaturalLanguageGenerator:
        if language == ENGLISH or language not in self.locales:
            return self
        localized = self.locales[language]
        return localized if utter_action in localized.responses else self

    async def generate(
        self, utter_action: str, tracker: DialogueStateTracker, output_channel: str, **kwargs: Any
    ) -> dict[str, Any] | None:
        filled_slots = tracker.current_slot_values()
        language = filled_slots.get(LANGUAGE_SLOT)
        generator = self.generator_for(language, utter_action)
        if generator is not self:
            region = filled_slots.get("region_code")
            filled_slots = {**filled_slots, **translated_fact_slots(load_issuer_config(), region, language)}
        generated = generator.generate_from_slots(utter_action, filled_slots, output_channel, **kwargs)
        if generated is not None:
            offer_second_request(generated, utter_action, tracker.latest_message, language)
        return generated


def offer_second_request(generated: dict[str, Any], utter_action: str, message: Any, language: Any) -> None:
    """Adds the offer of the message's second request to the answer of its first, when the first
    is a question answered here (not a task, and not the region question before the answer)."""
    from actions.task_form import QUESTIONS

    parse = message.parse_data if message is not None else {}
    intent = (parse.get("intent") or {}).get("name")
    second = (parse.get("second_request") or {}).get("name")
    buttons = generated.get("buttons") or []
    if not second or intent not in QUESTIONS or utter_action != f"utter_{intent}" or second == intent:
        return
    if any(str(button.get("payload", "")).startswith("/inform") for button in buttons):
        return
    text = offer_text(second, language)
    if text is None:
        return
    generated["text"] = f"{generated.get('text') or ''}\n\n{text}".strip()
    generated["buttons"] = [*buttons, *offer_buttons(second, language)]

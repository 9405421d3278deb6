"""Rasa's response generator, in the customer's language.

English responses are the domain's (domain/*.yml). For another language the same response names
come from locales/<language>.yml, with the same variations and conditions (tests/unit/
test_hindi_responses.py keeps them in step), and are chosen when the `language` slot names it.
A response missing from a locale falls back to English rather than to silence. Issuer facts
written in words (a duration, a region's name, where to find the phone number) come from
issuer.yml's `translations` in that language; numbers and links are the same in every language.

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
        return generator.generate_from_slots(utter_action, filled_slots, output_channel, **kwargs)

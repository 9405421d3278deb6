"""Hindi and Hinglish training data name the same topics as English, area by area, in their own script.

A topic missing in one language, an intent name that English does not know, or one message taught as
two topics (also across languages) would make the assistant misread customers who write that way.
"""

from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path

import pytest
import yaml

NLU = Path(__file__).resolve().parents[2] / "data" / "nlu"
LANGUAGES = ("hi", "hinglish")
DEVANAGARI = re.compile(r"[\u0900-\u097F]")
LATIN = re.compile(r"[A-Za-z]")


def examples_by_intent(path: Path) -> dict[str, list[str]]:
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert document["version"] == "3.1"
    found: dict[str, list[str]] = {}
    for block in document["nlu"]:
        lines = [line.strip() for line in block["examples"].splitlines() if line.strip()]
        assert all(line.startswith("- ") for line in lines), path
        found[block["intent"]] = [line[2:].strip() for line in lines]
    return found


def english_files() -> list[Path]:
    return sorted(NLU.glob("*.yml"))


@pytest.mark.parametrize("language", LANGUAGES)
def test_each_area_has_the_same_topics_as_english(language):
    assert sorted(p.name for p in (NLU / language).glob("*.yml")) == [p.name for p in english_files()]
    for english in english_files():
        topics = examples_by_intent(NLU / language / english.name)
        assert set(topics) == set(examples_by_intent(english)), english.name
        thin = {intent: len(texts) for intent, texts in topics.items() if len(texts) < 12}
        assert not thin, f"{language}/{english.name}: too few examples {thin}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_out_of_scope_has_room_for_things_that_only_sound_like_banking(language):
    assert len(examples_by_intent(NLU / language / "chitchat.yml")["out_of_scope"]) >= 50


def test_devanagari_files_are_in_devanagari_and_hinglish_in_latin_letters():
    for english in english_files():
        for texts in examples_by_intent(NLU / "hi" / english.name).values():
            assert [t for t in texts if not DEVANAGARI.search(t)] == []
        for texts in examples_by_intent(NLU / "hinglish" / english.name).values():
            assert [t for t in texts if DEVANAGARI.search(t) or not LATIN.search(t)] == []


def test_no_message_is_taught_as_two_topics_in_any_language():
    topics_of: dict[str, set[str]] = defaultdict(set)
    for path in sorted(NLU.rglob("*.yml")):
        for intent, texts in examples_by_intent(path).items():
            for text in texts:
                topics_of[" ".join(text.lower().split())].add(intent)
    assert {text: topics for text, topics in topics_of.items() if len(topics) > 1} == {}

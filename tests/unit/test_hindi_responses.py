"""locales/hi.yml says everything domain/*.yml says, in Hindi, and picks the same variation.

The Hindi answers replace the English ones word for word at run time, so anything that is not
wording must be identical: the response names, the variations and their conditions, the values
the actions fill in, the button payloads, line breaks and numbered steps. Only the text and the
button titles are translated, and they must really be in Hindi (Devanagari).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

REPO_ROOT = Path(__file__).resolve().parents[2]
HINDI_FILE = REPO_ROOT / "locales" / "hi.yml"

# Rasa's own template filler (rasa/core/nlg/interpolator.py) treats {name} as a value to fill.
PLACEHOLDER = re.compile(r"{([^\n{}]+?)}")
# {{ and }} are literal braces (the region buttons' JSON payloads): they must stay doubled.
DOUBLED_BRACES = re.compile(r"{{.*?}}")
DEVANAGARI = re.compile(r"[\u0900-\u097F]")
# How a line starts: a numbered step ("2."), a bullet ("-") or plain text.
LINE_MARKER = re.compile(r"^(?:\d+\.|-)?")
# Only text and button titles are translated; every other key is compared as it is.
TRANSLATED_KEYS = {"text", "buttons"}
# The assistant speaks of itself without grammatical gender (no सकता/सकती हूँ, करूँगा/करूँगी).
GENDERED_FIRST_PERSON = re.compile(r"(ता|ती|रहा|रही|या|यी|ई|आ) हूँ|ूँगा|ूँगी")


def load_yaml(path: Path) -> dict[str, Any]:
    return yaml.safe_load(path.read_text(encoding="utf-8")) or {}


def english_responses() -> dict[str, list[dict[str, Any]]]:
    responses: dict[str, list[dict[str, Any]]] = {}
    for path in sorted((REPO_ROOT / "domain").glob("*.yml")):
        responses.update(load_yaml(path).get("responses") or {})
    return responses


def hindi_responses() -> dict[str, list[dict[str, Any]]]:
    return load_yaml(HINDI_FILE).get("responses") or {}


ENGLISH = english_responses()
HINDI = hindi_responses()


def placeholders(text: str) -> set[str]:
    return set(PLACEHOLDER.findall(DOUBLED_BRACES.sub("", text)))


def line_markers(text: str) -> list[str]:
    return [LINE_MARKER.findall(line)[0] for line in text.split("\n")]


def untranslated_keys(variation: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in variation.items() if key not in TRANSLATED_KEYS}


def variation_pairs() -> list[tuple[str, int, dict[str, Any], dict[str, Any]]]:
    pairs = []
    for name, english in ENGLISH.items():
        hindi = HINDI.get(name) or []
        # A missing or extra variation fails test_same_number_of_variations; pair what is there.
        for index, (en, hi) in enumerate(zip(english, hindi, strict=False)):
            pairs.append((name, index, en, hi))
    return pairs


PAIRS = variation_pairs()
PAIR_IDS = [f"{name}[{index}]" for name, index, _, _ in PAIRS]


def test_every_english_response_has_a_hindi_one_and_no_more():
    assert sorted(set(ENGLISH) - set(HINDI)) == [], "responses without Hindi"
    assert sorted(set(HINDI) - set(ENGLISH)) == [], "Hindi responses that domain/ does not have"


@pytest.mark.parametrize("name", sorted(ENGLISH))
def test_same_number_of_variations(name):
    assert len(HINDI.get(name) or []) == len(ENGLISH[name])


@pytest.mark.parametrize(("name", "index", "en", "hi"), PAIRS, ids=PAIR_IDS)
def test_same_conditions_and_other_keys(name, index, en, hi):
    # condition, channel, image, custom, attachment …: the same variation must be picked and show
    # the same things.
    assert untranslated_keys(hi) == untranslated_keys(en)


@pytest.mark.parametrize(("name", "index", "en", "hi"), PAIRS, ids=PAIR_IDS)
def test_text_is_hindi_with_the_same_placeholders_and_lines(name, index, en, hi):
    english, hindi = en.get("text", ""), hi.get("text", "")
    assert bool(hindi) == bool(english)
    if not english:
        return
    assert DEVANAGARI.search(hindi), "not written in Devanagari"
    assert placeholders(hindi) == placeholders(english)
    assert DOUBLED_BRACES.findall(hindi) == DOUBLED_BRACES.findall(english)
    assert line_markers(hindi) == line_markers(english), "line breaks or numbered steps differ"
    assert not GENDERED_FIRST_PERSON.search(hindi), "the assistant speaks of itself with a gender"


@pytest.mark.parametrize(("name", "index", "en", "hi"), PAIRS, ids=PAIR_IDS)
def test_buttons_keep_payloads_and_get_hindi_titles(name, index, en, hi):
    english, hindi = en.get("buttons") or [], hi.get("buttons") or []
    assert len(hindi) == len(english)
    for en_button, hi_button in zip(english, hindi, strict=True):
        assert {k: v for k, v in hi_button.items() if k != "title"} == {
            k: v for k, v in en_button.items() if k != "title"
        }
        assert DEVANAGARI.search(hi_button["title"]), f"title not in Hindi: {hi_button['title']}"
        assert placeholders(hi_button["title"]) == placeholders(en_button["title"])

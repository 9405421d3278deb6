"""The held-out sets: one folder per set under tests/nlu/, YAML files in Rasa's NLU format.

A set's language is its name up to the first underscore, so `en` and `en_everyday` are both
English and count together in the per-language targets.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import yaml

# The sets the project plans; any other folder under the root is evaluated too.
EXPECTED_SETS = ("en", "en_everyday", "hi", "hinglish")
LANGUAGE_NAMES = {"en": "English", "hi": "Hindi (Devanagari)", "hinglish": "Hinglish"}

# Rasa's entity markup, `[2010](card_last_four)` or `[2010]{"entity": ...}`: the message is the text.
ENTITY_MARKUP = re.compile(r"\[([^\]]+)\](?:\([^)]*\)|\{[^}]*\})")


@dataclass(frozen=True)
class Example:
    set_name: str
    language: str
    topic: str
    text: str


def language_of(set_name: str) -> str:
    return set_name.split("_", 1)[0]


def plain_text(example_line: str) -> str:
    return ENTITY_MARKUP.sub(r"\1", example_line.strip().removeprefix("- ").strip())


def load_examples(folder: Path, set_name: str = "") -> list[Example]:
    """Every intent example of every *.yml in the folder (synonyms, regexes, lookups are skipped)."""
    set_name = set_name or folder.name
    examples = []
    for path in sorted(folder.glob("*.yml")):
        document = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for block in document.get("nlu") or []:
            if "intent" not in block:
                continue
            for line in str(block.get("examples", "")).splitlines():
                text = plain_text(line)
                if text:
                    examples.append(Example(set_name, language_of(set_name), block["intent"], text))
    return examples


def discover_sets(root: Path, only: list[str] | None = None) -> tuple[dict[str, list[Example]], list[str]]:
    """The sets to evaluate, by name, and a note for each planned or named set that is missing or empty."""
    found = sorted(p.name for p in root.iterdir() if p.is_dir()) if root.is_dir() else []
    names = only or sorted(set(EXPECTED_SETS) | set(found), key=lambda n: (n not in EXPECTED_SETS, n))
    sets: dict[str, list[Example]] = {}
    notes = []
    for name in names:
        folder = root / name
        examples = load_examples(folder, name) if folder.is_dir() else []
        if examples:
            sets[name] = examples
        else:
            notes.append(f"set `{name}` skipped: {folder} is {'empty' if folder.is_dir() else 'missing'}")
    return sets, notes

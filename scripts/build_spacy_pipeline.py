"""Builds the project's own spaCy pipeline: blank English plus an entity ruler.

Pretrained spaCy models cannot be downloaded on our machines, and re-uploads cannot be
verified, so the pipeline is made from code: a blank English tokenizer and the rule
patterns kept in data/entity_patterns.jsonl. Rasa loads the result through SpacyNLP.
"""

from __future__ import annotations

import argparse
import json
import shutil
from pathlib import Path

import spacy
from spacy.pipeline import EntityRuler


def load_patterns(patterns_file: Path) -> list[dict]:
    """Reads one JSON pattern per line; blank lines and lines starting with // are notes."""
    patterns = []
    for line_number, line in enumerate(patterns_file.read_text(encoding="utf-8").splitlines(), 1):
        stripped = line.strip()
        if not stripped or stripped.startswith("//"):
            continue
        try:
            patterns.append(json.loads(stripped))
        except json.JSONDecodeError as error:
            raise SystemExit(f"{patterns_file}:{line_number}: not valid JSON ({error})") from error
    return patterns


def build_pipeline(patterns: list[dict]) -> spacy.language.Language:
    nlp = spacy.blank("en")
    # Longest match wins, so "next Friday" beats "Friday" and "ending in 2010" beats "2010".
    ruler: EntityRuler = nlp.add_pipe("entity_ruler", config={"overwrite_ents": True})  # type: ignore[assignment]
    ruler.add_patterns(patterns)
    return nlp


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--patterns", type=Path, default=Path("data/entity_patterns.jsonl"))
    parser.add_argument("--out", type=Path, default=Path("var/spacy-pipeline"))
    args = parser.parse_args()

    nlp = build_pipeline(load_patterns(args.patterns))
    if args.out.exists():
        shutil.rmtree(args.out)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    nlp.to_disk(args.out)
    ruler: EntityRuler = nlp.get_pipe("entity_ruler")  # type: ignore[assignment]
    print(f"spaCy pipeline with {len(ruler)} patterns written to {args.out}")


if __name__ == "__main__":
    main()

"""Held-out NLU evaluation through the trained model's full pipeline, per topic.

Parses every example of a held-out set (tests/nlu/en/ by default) exactly as `POST /model/parse`
does (fallback included), so a message that falls back counts as not understood. In scope, a
message is right when its topic is predicted; out of scope, when the prediction is
`out_of_scope` or `nlu_fallback`.
Writes results/nlu/predictions.json and exits 1 below a target.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import sys
from collections import defaultdict
from pathlib import Path

import yaml

REJECTIONS = {"out_of_scope", "nlu_fallback"}


def load_examples(folder: Path) -> list[tuple[str, str]]:
    examples = []
    for path in sorted(folder.glob("*.yml")):
        for block in yaml.safe_load(path.read_text(encoding="utf-8"))["nlu"]:
            for line in block["examples"].splitlines():
                text = line.strip().removeprefix("- ").strip()
                if text:
                    examples.append((block["intent"], text))
    return examples


async def predict(model: Path, examples: list[tuple[str, str]]) -> list[dict]:
    from rasa.core.agent import Agent  # slow imports: only when evaluating
    from rasa.utils.log_utils import configure_structlog

    configure_structlog(logging.WARNING)
    agent = Agent.load(str(model))
    predictions = []
    for expected, text in examples:
        parsed = await agent.parse_message(text)
        ranking = [(item["name"], round(item["confidence"], 4)) for item in parsed["intent_ranking"][:3]]
        predictions.append(
            {"text": text, "expected": expected, "predicted": parsed["intent"]["name"], "ranking": ranking}
        )
    return predictions


def is_right(prediction: dict) -> bool:
    if prediction["expected"] == "out_of_scope":
        return prediction["predicted"] in REJECTIONS
    return prediction["predicted"] == prediction["expected"]


def report(predictions: list[dict], show_errors: bool) -> tuple[float, float]:
    per_topic: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for prediction in predictions:
        per_topic[prediction["expected"]][0] += is_right(prediction)
        per_topic[prediction["expected"]][1] += 1
    print(f"{'topic':<26} {'right':>5} {'of':>4} {'share':>6}")
    for topic, (right, total) in sorted(per_topic.items(), key=lambda kv: (kv[1][0] / kv[1][1], kv[0])):
        print(f"{topic:<26} {right:>5} {total:>4} {right / total:>6.0%}")
    in_scope = [v for topic, v in per_topic.items() if topic != "out_of_scope"]
    accuracy = sum(v[0] for v in in_scope) / max(1, sum(v[1] for v in in_scope))
    right, total = per_topic.get("out_of_scope", [0, 0])
    rejection = right / max(1, total)
    if show_errors:
        for prediction in predictions:
            if not is_right(prediction):
                print(f"  {prediction['expected']:>24} -> {prediction['predicted']:<24} {prediction['text']}")
    return accuracy, rejection


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--model", type=Path, default=None, help="model archive (default: newest in models/)")
    parser.add_argument("--examples", type=Path, default=Path("tests/nlu/en"))
    parser.add_argument("--out", type=Path, default=Path("results/nlu"))
    parser.add_argument("--min-accuracy", type=float, default=0.90)
    parser.add_argument("--min-rejection", type=float, default=0.80)
    parser.add_argument("--show-errors", action="store_true")
    args = parser.parse_args()
    logging.disable(logging.WARNING)

    model = args.model or max(Path("models").glob("*.tar.gz"), key=lambda p: p.stat().st_mtime)
    predictions = asyncio.run(predict(model, load_examples(args.examples)))
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "predictions.json").write_text(json.dumps(predictions, indent=1), encoding="utf-8")

    accuracy, rejection = report(predictions, args.show_errors)
    print(f"\nmodel {model.name}, {len(predictions)} held-out messages")
    print(f"in-scope topic accuracy: {accuracy:.1%} (target {args.min_accuracy:.0%})")
    print(f"out-of-scope rejection:  {rejection:.1%} (target {args.min_rejection:.0%})")
    return 0 if accuracy >= args.min_accuracy and rejection >= args.min_rejection else 1


if __name__ == "__main__":
    sys.exit(main())

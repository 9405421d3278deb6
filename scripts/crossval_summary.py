"""The headline of `rasa test nlu --cross-validation`: accuracy, macro F1 and the weakest topics.

Rasa writes intent_report.json (scikit-learn's classification report over the test folds
together) next to its confusion matrix and histogram; this reads it and writes summary.md
beside it, with the folds and the wall-clock time `make nlu-crossval` measured.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import datetime, timezone
from pathlib import Path

AVERAGES = ("accuracy", "macro avg", "weighted avg", "micro avg")


def summarise(report: dict, folds: int, seconds: float, weakest: int = 10) -> str:
    topics = {name: row for name, row in report.items() if name not in AVERAGES and isinstance(row, dict)}
    macro, weighted = report["macro avg"], report["weighted avg"]
    accuracy = report.get("accuracy", report.get("micro avg", {}).get("f1-score"))
    examples = sum(int(row["support"]) for row in topics.values())
    lines = [
        "# NLU cross-validation on the training data",
        "",
        f"{datetime.now(timezone.utc):%Y-%m-%d %H:%M UTC}; {folds} folds over {examples} training "
        f"examples in {len(topics)} labels; {seconds / 60:.1f} min wall clock "
        "(training and parsing every fold).",
        "",
        f"- accuracy: {accuracy:.3f}",
        f"- macro F1: {macro['f1-score']:.3f} "
        f"(precision {macro['precision']:.3f}, recall {macro['recall']:.3f})",
        f"- weighted F1: {weighted['f1-score']:.3f}",
        "",
        f"## Weakest {weakest} labels by F1",
        "",
        "| label | precision | recall | F1 | examples | confused with |",
        "| --- | ---: | ---: | ---: | ---: | --- |",
    ]
    for name, row in sorted(topics.items(), key=lambda kv: (kv[1]["f1-score"], kv[0]))[:weakest]:
        confused = ", ".join(f"{k} {v}" for k, v in (row.get("confused_with") or {}).items())
        lines.append(
            f"| {name} | {row['precision']:.2f} | {row['recall']:.2f} | {row['f1-score']:.2f} "
            f"| {int(row['support'])} | {confused} |"
        )
    lines += [
        "",
        "Rasa's own files here: intent_report.json, intent_errors.json, intent_confusion_matrix.png,",
    ]
    lines += ["intent_histogram.png."]
    return "\n".join(lines) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=Path("results/crossval"))
    parser.add_argument("--folds", type=int, required=True)
    parser.add_argument("--seconds", type=float, required=True)
    args = parser.parse_args()
    report = json.loads((args.out / "intent_report.json").read_text(encoding="utf-8"))
    text = summarise(report, args.folds, args.seconds)
    (args.out / "summary.md").write_text(text, encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""The written results: a console table for `make test`, summary.md, error_analysis.md, predictions.json."""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from dataclasses import asdict, dataclass

from scripts.nlu_eval.causes import CAUSES
from scripts.nlu_eval.heldout import LANGUAGE_NAMES
from scripts.nlu_eval.scoring import (
    Prediction,
    Share,
    Targets,
    by_language,
    by_set,
    score_by,
    shortfalls,
    top_confusions,
)

EXAMPLES_PER_CAUSE = 10


@dataclass(frozen=True)
class Run:
    """What was evaluated, for the headings."""

    model: str
    when: str
    seconds: float
    targets: Targets
    notes: tuple[str, ...] = ()


def pct(share: Share) -> str:
    return "–" if share.value is None else f"{share.value:.1%}"


def topic_table(predictions: list[Prediction]) -> tuple[list[str], list[list[str]]]:
    """Rows of topic, then `right/total` per language; the worst topics first."""
    per_language = by_language(predictions)
    languages = sorted(per_language)
    overall = score_by(predictions, lambda _: "all")["all"]
    header = ["topic", *languages, "all"]
    rows = []
    for topic, share in sorted(overall.per_topic.items(), key=lambda kv: (kv[1].value or 0, kv[0])):
        cells = []
        for language in languages:
            cell = per_language[language].per_topic.get(topic)
            cells.append(f"{cell.right}/{cell.total}" if cell else "")
        rows.append([topic, *cells, f"{share.right}/{share.total} {pct(share)}"])
    return header, rows


def console(predictions: list[Prediction], run: Run, show_errors: bool) -> str:
    lines = []
    header, rows = topic_table(predictions)
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    for row in [header, *rows]:
        lines.append(
            "  ".join(
                cell.ljust(w) if i == 0 else cell.rjust(w)
                for i, (cell, w) in enumerate(zip(row, widths, strict=True))
            )
        )
    lines.append("")
    for name, score in by_set(predictions).items():
        lines.append(
            f"set {name:<12} in scope {score.in_scope!s:<22} out-of-scope rejected {score.rejection}"
        )
    lines.append("")
    for language, score in sorted(by_language(predictions).items()):
        lines.append(
            f"language {language:<9} in scope {pct(score.in_scope):>6} (target {run.targets.in_scope:.0%}), "
            f"out-of-scope rejected {pct(score.rejection):>6} (target {run.targets.rejection:.0%})"
        )
    if show_errors:
        lines.append("")
        for p in predictions:
            if not p.right:
                lines.append(f"  [{p.set_name}] {p.expected:>24} -> {p.predicted:<24} {p.text}")
    lines.extend(f"note: {note}" for note in run.notes)
    lines.append(f"model {run.model}, {len(predictions)} held-out messages in {run.seconds:.0f} s")
    return "\n".join(lines)


def markdown_table(header: list[str], rows: list[list[str]], text_columns: int = 1) -> list[str]:
    """Text columns (the first few) left, numbers right."""
    aligns = ["---"] * text_columns + ["---:"] * (len(header) - text_columns)
    return ["| " + " | ".join(header) + " |", "| " + " | ".join(aligns) + " |"] + [
        "| " + " | ".join(row) + " |" for row in rows
    ]


def heading(title: str, run: Run, predictions: list[Prediction]) -> list[str]:
    return [
        f"# {title}",
        "",
        f"Model `{run.model}`, {run.when}; {len(predictions)} held-out messages in "
        f"{len({p.set_name for p in predictions})} sets, loaded and parsed in {run.seconds:.0f} s. "
        "Written by `scripts/evaluate_nlu.py`.",
        "",
        *[f"- Note: {note}" for note in run.notes],
        *([""] if run.notes else []),
    ]


def summary(predictions: list[Prediction], run: Run, plots: dict[str, str]) -> str:
    per_language = by_language(predictions)
    missed = shortfalls(per_language, run.targets)
    lines = heading("Held-out NLU results", run, predictions)
    lines += [
        f"Targets per language: at least {run.targets.in_scope:.0%} of in-scope messages understood "
        f"(the right topic, not a fallback), at least {run.targets.rejection:.0%} of out-of-scope "
        "messages rejected (`out_of_scope` or `nlu_fallback`).",
        "",
        "## Per language",
        "",
    ]
    rows = []
    for language, score in sorted(per_language.items()):
        sets = ", ".join(sorted({p.set_name for p in predictions if p.language == language}))
        verdict = "below target" if any(m.startswith(f"{language}:") for m in missed) else "meets targets"
        rows.append(
            [LANGUAGE_NAMES.get(language, language), sets, str(score.in_scope), str(score.rejection), verdict]
        )
    header = ["language", "sets", "in scope understood", "out of scope rejected", "verdict"]
    lines += markdown_table(header, rows, text_columns=2)
    lines += ["", "## Per set", ""]
    lines += markdown_table(
        ["set", "language", "in scope understood", "out of scope rejected"],
        [
            [name, language_of_set(predictions, name), str(s.in_scope), str(s.rejection)]
            for name, s in by_set(predictions).items()
        ],
        text_columns=2,
    )
    lines += ["", "## Per topic (right/total per language; `out_of_scope` counts rejections)", ""]
    lines += markdown_table(*topic_table(predictions))
    lines += ["", "## Top confusions (expected → predicted, count)", ""]
    lines += confusion_rows(predictions)
    lines += ["", "## Confusion matrices", ""]
    lines += [f"- {LANGUAGE_NAMES.get(lang, lang)}: [{name}]({name})" for lang, name in sorted(plots.items())]
    return "\n".join(lines) + "\n"


def language_of_set(predictions: list[Prediction], set_name: str) -> str:
    return next(p.language for p in predictions if p.set_name == set_name)


def confusion_rows(predictions: list[Prediction]) -> list[str]:
    languages = sorted({p.language for p in predictions})
    rows = []
    for expected, predicted, count in top_confusions(predictions):
        per = Counter(p.language for p in predictions if (p.expected, p.predicted) == (expected, predicted))
        rows.append([expected, predicted, *[str(per.get(lang, "")) for lang in languages], str(count)])
    if not rows:
        return ["No errors."]
    return markdown_table(["expected", "predicted", *languages, "all"], rows, text_columns=2)


def error_analysis(predictions: list[Prediction], run: Run) -> str:
    errors = [p for p in predictions if not p.right]
    languages = sorted({p.language for p in predictions})
    lines = heading("Held-out NLU errors by cause", run, predictions)
    lines += [
        f"{len(errors)} wrong of {len(predictions)}. Each error gets every cause whose rule fires, so the "
        "counts overlap; the rules are the word lists in `scripts/nlu_eval/causes.py`. A measurement only: "
        "nothing here changes the model. Every error with its causes is in `predictions.json`.",
        "",
        "## Counts per cause",
        "",
    ]
    per_cause: dict[str, list[Prediction]] = defaultdict(list)
    for error in errors:
        for cause in error.causes:
            per_cause[cause].append(error)
    rows = []
    for cause, label in CAUSES.items():
        tagged = per_cause.get(cause, [])
        per = Counter(p.language for p in tagged)
        share = f"{len(tagged) / len(errors):.0%}" if errors else "–"
        rows.append(
            [f"`{cause}`: {label}", *[str(per.get(lang, 0)) for lang in languages], str(len(tagged)), share]
        )
    lines += markdown_table(["cause", *languages, "all", "share of errors"], rows)
    for cause, label in CAUSES.items():
        tagged = per_cause.get(cause, [])
        if not tagged:
            continue
        lines += ["", f"## `{cause}` ({len(tagged)}): {label}", ""]
        for p in sorted(tagged, key=lambda p: (p.language, p.set_name, p.expected))[:EXAMPLES_PER_CAUSE]:
            detail = f" — {p.details[cause]}" if cause in p.details else ""
            lines.append(
                f"- [{p.set_name}] {p.expected} → {p.predicted} ({p.confidence:.2f}): “{p.text}”{detail}"
            )
        if len(tagged) > EXAMPLES_PER_CAUSE:
            lines.append(f"- … and {len(tagged) - EXAMPLES_PER_CAUSE} more in predictions.json")
    return "\n".join(lines) + "\n"


def predictions_json(predictions: list[Prediction], run: Run) -> str:
    records = [{**asdict(p), "right": p.right} for p in predictions]
    document = {"model": run.model, "when": run.when, "seconds": round(run.seconds, 1), "notes": run.notes}
    return json.dumps({**document, "predictions": records}, indent=1, ensure_ascii=False)


def read_predictions(text: str) -> tuple[Run, list[Prediction]]:
    """An earlier run back, to re-score and re-tag without the model (rightness and causes recomputed)."""
    document = json.loads(text)
    fields = ("set_name", "language", "expected", "predicted", "confidence", "text")
    predictions = [
        Prediction(**{k: record[k] for k in fields}, ranking=[tuple(r) for r in record["ranking"]])
        for record in document["predictions"]
    ]
    notes = tuple(document.get("notes", ()))
    return Run(
        document["model"], document["when"], document.get("seconds", 0.0), Targets(), notes
    ), predictions

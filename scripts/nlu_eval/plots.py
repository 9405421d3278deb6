"""A confusion matrix per language: expected topic down, predicted topic across, shaded by row share."""

from __future__ import annotations

from pathlib import Path

from scripts.nlu_eval.scoring import OUT_OF_SCOPE, REJECTIONS, Prediction


def confusion_counts(predictions: list[Prediction]) -> tuple[list[str], list[list[int]]]:
    labels = sorted({p.expected for p in predictions} | {p.predicted for p in predictions})
    index = {label: i for i, label in enumerate(labels)}
    counts = [[0] * len(labels) for _ in labels]
    for prediction in predictions:
        counts[index[prediction.expected]][index[prediction.predicted]] += 1
    return labels, counts


def plot_confusion(predictions: list[Prediction], title: str, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")  # no display here, and none needed
    import matplotlib.pyplot as plt
    import numpy as np

    labels, counts = confusion_counts(predictions)
    matrix = np.array(counts, dtype=float)
    shares = matrix / np.maximum(matrix.sum(axis=1, keepdims=True), 1)
    side = max(6.0, 0.32 * len(labels) + 3)
    figure, axes = plt.subplots(figsize=(side, side))
    axes.imshow(shares, cmap="Blues", vmin=0, vmax=1)
    axes.set_xticks(range(len(labels)), labels, rotation=90, fontsize=7)
    axes.set_yticks(range(len(labels)), labels, fontsize=7)
    axes.set_xlabel("predicted")
    axes.set_ylabel("expected")
    axes.set_title(title, fontsize=10)
    for row, col in zip(*np.nonzero(matrix), strict=True):
        # Out of scope answered with a fallback is right too: only wrong cells are red.
        wrong = row != col and not (labels[row] == OUT_OF_SCOPE and labels[col] in REJECTIONS)
        axes.text(
            col,
            row,
            str(int(matrix[row, col])),
            ha="center",
            va="center",
            fontsize=6,
            color="red" if wrong else ("white" if shares[row, col] > 0.6 else "black"),
            fontweight="bold" if wrong else "normal",
        )
    figure.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path, dpi=110)
    plt.close(figure)

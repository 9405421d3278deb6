"""Right or wrong per message, and the shares per set, language and topic that the targets are about.

In scope, a message is understood when its topic is predicted (a fallback counts as not
understood). Out of scope, it is handled when the prediction is `out_of_scope` or `nlu_fallback`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

OUT_OF_SCOPE = "out_of_scope"
FALLBACK = "nlu_fallback"
REJECTIONS = frozenset({OUT_OF_SCOPE, FALLBACK})


@dataclass
class Prediction:
    set_name: str
    language: str
    expected: str
    predicted: str
    confidence: float
    text: str
    ranking: list[tuple[str, float]] = field(default_factory=list)
    causes: list[str] = field(default_factory=list)
    details: dict[str, str] = field(default_factory=dict)

    @property
    def in_scope(self) -> bool:
        return self.expected != OUT_OF_SCOPE

    @property
    def right(self) -> bool:
        if self.in_scope:
            return self.predicted == self.expected
        return self.predicted in REJECTIONS


@dataclass
class Share:
    right: int = 0
    total: int = 0

    def add(self, right: bool) -> None:
        self.right += right
        self.total += 1

    @property
    def value(self) -> float | None:
        return self.right / self.total if self.total else None

    def __str__(self) -> str:
        return "n/a" if self.value is None else f"{self.right}/{self.total} ({self.value:.1%})"


@dataclass
class GroupScore:
    """One set's or one language's result: in-scope understanding, out-of-scope rejection, per topic."""

    in_scope: Share = field(default_factory=Share)
    rejection: Share = field(default_factory=Share)
    per_topic: dict[str, Share] = field(default_factory=lambda: defaultdict(Share))

    def add(self, prediction: Prediction) -> None:
        (self.in_scope if prediction.in_scope else self.rejection).add(prediction.right)
        self.per_topic[prediction.expected].add(prediction.right)


@dataclass(frozen=True)
class Targets:
    in_scope: float = 0.90
    rejection: float = 0.90


def score_by(predictions: Iterable[Prediction], key: Callable[[Prediction], str]) -> dict[str, GroupScore]:
    scores: dict[str, GroupScore] = defaultdict(GroupScore)
    for prediction in predictions:
        scores[key(prediction)].add(prediction)
    return dict(scores)


def by_set(predictions: Iterable[Prediction]) -> dict[str, GroupScore]:
    return score_by(predictions, lambda p: p.set_name)


def by_language(predictions: Iterable[Prediction]) -> dict[str, GroupScore]:
    return score_by(predictions, lambda p: p.language)


def shortfalls(per_language: dict[str, GroupScore], targets: Targets) -> list[str]:
    """One line per missed target. A language without out-of-scope examples has no rejection target."""
    missed = []
    for language, score in sorted(per_language.items()):
        accuracy, rejection = score.in_scope.value, score.rejection.value
        if accuracy is not None and accuracy < targets.in_scope:
            missed.append(f"{language}: in scope {accuracy:.1%} < {targets.in_scope:.0%}")
        if rejection is not None and rejection < targets.rejection:
            missed.append(f"{language}: out-of-scope rejection {rejection:.1%} < {targets.rejection:.0%}")
    return missed


def top_confusions(predictions: Iterable[Prediction], limit: int = 15) -> list[tuple[str, str, int]]:
    """The most frequent (expected, predicted) pairs among the wrong predictions."""
    pairs: dict[tuple[str, str], int] = defaultdict(int)
    for prediction in predictions:
        if not prediction.right:
            pairs[(prediction.expected, prediction.predicted)] += 1
    ranked = sorted(pairs.items(), key=lambda kv: (-kv[1], kv[0]))
    return [(expected, predicted, count) for (expected, predicted), count in ranked[:limit]]

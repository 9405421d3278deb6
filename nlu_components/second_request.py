"""Messages that ask for two things ("freeze my card and send me a new one").

The message's topic should be the FIRST request; the second is offered once the first is done.
The intent classifier reads the whole message and may name either. This component splits the message into
clauses at the words that join requests ("and", "also", "then", "aur", "फिर", a full stop …),
classifies each clause with a small classifier of its own (character n-grams and a linear model
trained by SGD on the same examples in a few seconds; a clause is short, which is what this
classifier is good at), and when two clauses confidently ask for two different topics, one of which is the
classifier's answer, it makes the first clause's topic the intent and adds `second_request` {name,
confidence} to the parse result. Anything less certain leaves the classifier's answer alone.

Runs after the intent classifier and before the fallback (config.yml).
"""

from __future__ import annotations

import logging
import re
from typing import Any

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from nlu_components.sklearn_storage import SavedModelComponent

logger = logging.getLogger(__name__)

SECOND_REQUEST_KEY = "second_request"
# Topics that are requests of their own (conversation intents such as greet or affirm are not).
NOT_REQUESTS = frozenset(
    {
        "greet",
        "goodbye",
        "affirm",
        "deny",
        "thank_you",
        "bot_challenge",
        "help",
        "out_of_scope",
        "inform",
        "stop",
    }
)
_JOINS = re.compile(
    r"(?:[.;!?]+\s+|,\s*(?:and\s+|then\s+)?|\s+(?:and\s+then|and\s+also|and|also|then|plus|after\s+that|"
    r"aur\s+phir|aur|phir|bhi|और\s+फिर|और|फिर|तथा|साथ\s+ही)\s+)",
    re.IGNORECASE,
)
MIN_CLAUSE_WORDS = 2
FILE_NAME = "clauses.skops"


def clauses(text: str) -> list[str]:
    parts = [part.strip(" ,.;!?") for part in _JOINS.split(text)]
    return [part for part in parts if len(part.split()) >= MIN_CLAUSE_WORDS]


def two_requests(
    clause_topics: list[tuple[str, float]], intent: str | None, threshold: float
) -> tuple[tuple[str, float], tuple[str, float]] | None:
    """((first topic, confidence), (second topic, confidence)) when two clauses confidently ask
    for different requests and the classifier named one of them; None otherwise."""
    confident = [(topic, p) for topic, p in clause_topics if p >= threshold and topic not in NOT_REQUESTS]
    topics: list[tuple[str, float]] = []
    for topic, p in confident:
        if topic not in (seen[0] for seen in topics):
            topics.append((topic, p))
    if len(topics) < 2 or intent not in {topic for topic, _ in topics}:
        return None
    return topics[0], topics[1]


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class SecondRequestDetector(SavedModelComponent):
    file_name = FILE_NAME
    not_loaded = "second-request detector not loaded; messages keep their topic"

    @property
    def pipeline(self) -> Any:
        """The clause classifier (a scikit-learn Pipeline), None until trained or loaded."""
        return self.model

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {"threshold": 0.55, "min_confidence": 0.6, "alpha": 1e-5, "epochs": 20}

    def train(self, training_data: TrainingData) -> Resource:
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import SGDClassifier
        from sklearn.pipeline import Pipeline

        examples = [m for m in training_data.intent_examples if m.get(INTENT) and m.get(TEXT)]
        if len({m.get(INTENT) for m in examples}) < 2:
            return self._resource
        self.model = Pipeline(
            [
                (
                    "features",
                    TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 4), sublinear_tf=True, min_df=2),
                ),
                (
                    "topic",
                    SGDClassifier(
                        loss="log_loss",
                        alpha=self.config["alpha"],
                        max_iter=self.config["epochs"],
                        tol=None,
                        random_state=42,
                    ),
                ),
            ]
        )
        self.model.fit([m.get(TEXT).lower() for m in examples], [m.get(INTENT) for m in examples])
        self.save()
        return self._resource

    def process(self, messages: list[Message]) -> list[Message]:
        if self.model is None:
            return messages
        for message in messages:
            text = message.get(TEXT) or ""
            parts = clauses(text) if not text.startswith("/") else []
            if len(parts) < 2:
                continue
            probabilities = self.model.predict_proba([part.lower() for part in parts])
            names = self.model.classes_
            clause_topics = [(str(names[row.argmax()]), float(row.max())) for row in probabilities]
            intent = (message.get(INTENT) or {}).get("name")
            found = two_requests(clause_topics, intent, self.config["threshold"])
            if found is None:
                continue
            (first, _), (second, confidence) = found
            # The classifier must itself be sure the message is ours, with most of its confidence
            # on the two requests: a message it doubts (an unrelated question with an "and") is
            # left to the fallback as it is.
            ranking = message.get(INTENT_RANKING_KEY) or []
            confidences = {item["name"]: float(item["confidence"]) for item in ranking}
            confidences.setdefault(intent, float((message.get(INTENT) or {}).get("confidence") or 0.0))
            top = confidences.get(first, 0.0) + confidences.get(second, 0.0)
            if top < self.config["min_confidence"]:
                continue
            # The first request leads the ranking with the confidence on both, and the second
            # (reported on its own) no longer competes with it: asking for two things is not
            # being ambiguous.
            chosen = {"name": first, "confidence": round(top, 4)}
            others = [item for item in ranking if item["name"] not in (first, second)]
            message.set(INTENT, chosen, add_to_output=True)
            message.set(INTENT_RANKING_KEY, [chosen, *others], add_to_output=True)
            message.set(
                SECOND_REQUEST_KEY, {"name": second, "confidence": round(confidence, 4)}, add_to_output=True
            )
        return messages

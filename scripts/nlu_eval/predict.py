"""Parse every held-out message through the trained model, once loaded, as `POST /model/parse` does."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from scripts.nlu_eval.heldout import Example
from scripts.nlu_eval.scoring import Prediction


def newest_model(folder: Path = Path("models")) -> Path:
    archives = list(folder.glob("*.tar.gz"))
    if not archives:
        raise SystemExit(f"no trained model in {folder}/: run `make train` first")
    return max(archives, key=lambda p: p.stat().st_mtime)


def topic_of(parsed: dict[str, Any]) -> str:
    """The topic named by a parse: the intent, or for a retrieval intent (`faq`) the selected
    response key's suffix (`faq/reset_password` names `reset_password`), as contracts.md says."""
    intent = (parsed.get("intent") or {}).get("name") or ""
    selector = parsed.get("response_selector") or {}
    if intent in (selector.get("all_retrieval_intents") or []):
        chosen = selector.get(intent) or selector.get("default") or {}
        key = (chosen.get("response") or {}).get("intent_response_key") or ""
        if "/" in key:
            return key.split("/", 1)[1]
    return intent


async def predict(model: Path, examples: list[Example]) -> list[Prediction]:
    from rasa.core.agent import Agent  # slow imports: only when evaluating
    from rasa.utils.log_utils import configure_structlog

    configure_structlog(logging.WARNING)
    agent = Agent.load(str(model))
    predictions = []
    for example in examples:
        parsed = await agent.parse_message(example.text)
        ranking = [(item["name"], round(item["confidence"], 4)) for item in parsed["intent_ranking"][:3]]
        predictions.append(
            Prediction(
                set_name=example.set_name,
                language=example.language,
                expected=example.topic,
                predicted=topic_of(parsed),
                confidence=round(float(parsed["intent"].get("confidence") or 0.0), 4),
                text=example.text,
                ranking=ranking,
            )
        )
    return predictions

"""Which of the customer's cards a task is about: named in the request, the only one that fits,
or asked with one button per card."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, ClassVar

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions.language import language_of
from actions.parsing import parse_last_four
from actions.phrases import phrase

if TYPE_CHECKING:
    from actions.task_form import Turn


GENERIC_WORDS = {"card", "cards", "credit", "charge", "the", "my", "cash"}


def card_hint(text: str) -> str | None:
    """What a request says about which card: its last four, else its words ("my gold card")."""
    digits = parse_last_four(text)
    if digits is not None:
        return digits
    return " ".join(re.findall(r"[a-z]+", text.lower())[:30]) or None


def match_card(hint: str | None, cards: list[dict[str, Any]]) -> str | None:
    """The one card the hint names, by last four or by the words of its product name."""
    if not hint:
        return None
    if hint.isdigit():
        return hint if any(card["last_four"] == hint for card in cards) else None
    said = set(hint.split())
    scores = {
        card["last_four"]: len(said & (set(card["product"].lower().split()) - GENERIC_WORDS))
        for card in cards
    }
    best = max(scores.values(), default=0)
    winners = [digits for digits, score in scores.items() if score == best]
    return winners[0] if best > 0 and len(winners) == 1 else None


async def load_cards(turn: Turn) -> list[dict[str, Any]]:
    reply = await turn.service.me("GET", "/cards")
    if reply.status != 200:
        return []
    return list(reply.get("cards") or [])


class CardChoice:
    """Mixed into a TaskForm whose first question is `card_last_four`."""

    # Card statuses the task can act on; None means any card that is not replaced.
    card_statuses: ClassVar[tuple[str, ...] | None] = None
    # Said when no card fits (e.g. "none of your cards is frozen").
    no_card_response: ClassVar[str] = "utter_no_card_fits"

    def card_fits(self, card: dict[str, Any]) -> bool:
        if self.card_statuses is None:
            return card.get("status") != "replaced"
        return card.get("status") in self.card_statuses

    async def start(self, turn: Turn) -> None:
        await super().start(turn)  # type: ignore[misc]
        # "freeze my card ending 2010": kept until the cards can be looked up, after the check.
        turn.set(card_named=card_hint(turn.text))

    async def offered_cards(self, turn: Turn) -> list[dict[str, Any]]:
        """The cards the task can be about (every card on file, by default)."""
        return await load_cards(turn)

    async def choose_card(self, turn: Turn) -> None:
        """Fills `card_last_four` when it can, else leaves the choices in `card_options`."""
        if turn.slot("card_last_four") is not None or turn.slot("card_options") is not None:
            return
        cards = await self.offered_cards(turn)
        fitting = [card for card in cards if self.card_fits(card)]
        named = match_card(turn.slot("card_named"), cards)
        if named is not None and any(card["last_four"] == named for card in fitting):
            turn.set(card_last_four=named)
        elif named is not None:
            status = next(card["status"] for card in cards if card["last_four"] == named)
            turn.say(self.no_card_response, card=named, status=status)
            turn.finish("no_card")
        elif not fitting:
            turn.say(self.no_card_response, card="", status="")
            turn.finish("no_card")
        elif len(fitting) == 1:
            turn.set(card_last_four=fitting[0]["last_four"])
        else:
            turn.set(card_options=[f"{card['last_four']} {card['product']}" for card in fitting])

    async def validate_card_last_four(self, turn: Turn) -> bool:
        options = turn.slot("card_options") or []
        cards = [{"last_four": o.split(" ", 1)[0], "product": o.split(" ", 1)[1]} for o in options]
        chosen = match_card(card_hint(turn.text), cards)
        if chosen is None:
            return False
        turn.set(card_last_four=chosen)
        return True


class ActionAskCardLastFour(Action):
    """Asks which card, one button per card that fits the task."""

    def name(self) -> str:
        return "action_ask_card_last_four"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        options = tracker.get_slot("card_options") or []
        language = language_of(tracker)
        buttons = []
        for option in options:
            last_four, product = option.split(" ", 1)
            title = phrase("card_button", language, product=product, last_four=last_four)
            buttons.append({"title": title, "payload": last_four})
        dispatcher.utter_message(response="utter_ask_card_last_four", buttons=buttons)
        return []

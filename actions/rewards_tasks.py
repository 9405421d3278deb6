"""Rewards in chat: the points and what they buy, and redeeming them.

Redeeming spends the customer's points, so it ends in a confirmation (an explicit yes) and, like
every change, needs a code younger than 5 minutes. The service checks the option, the steps and
the balance again; the questions here only keep the customer from asking for what cannot work.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions.confirmation import yes_no_buttons
from actions.formatting import bulleted, grouped, money
from actions.language import language_of
from actions.parsing import words
from actions.phrases import phrase
from actions.task_form import TaskAction, TaskForm, Turn, confirmation, say_refused
from common.folding import DEVANAGARI_LETTERS, ascii_digits, fold, fold_all
from localization.language import ENGLISH

REDEEM_WORDS = (
    "redeem",
    "redemption",
    "use my points",
    "use points",
    "spend my points",
    "spend points",
    "cash in",
    # "पॉइंट्स रिडीम करें" (the Hindi summary's invitation), "पॉइंट्स इस्तेमाल करने हैं"
    "रिडीम",
    "पॉइंट्स इस्तेमाल",
    "पॉइंट इस्तेमाल",
    "points use",
    "points istemal",
)
# "all", and the Hindi hint's "सभी"
ALL_WORDS = fold_all(
    {"all", "everything", "max", "maximum", "सभी", "सब", "सारे", "पूरे", "sab", "sabhi", "saare"}
)
# Words that name no option in particular ("gift card" is named by "gift").
GENERIC_OPTION_WORDS = {"card", "the", "a", "for", "my", "points", "point", "redeem", "use", "on"}
MAX_SAID_WORDS = 30


def wants_redemption(text: str) -> bool:
    folded = fold(text)
    return any(
        re.search(rf"(?<![\w{DEVANAGARI_LETTERS}]){re.escape(fold(words_))}", folded)
        for words_ in REDEEM_WORDS
    )


def parse_points(text: str) -> int | None:
    """A number of points ("5,000", "5000 points", "10k"); None for none or several."""
    found = {
        int(whole.replace(",", "")) * (1000 if thousands else 1)
        for whole, thousands in re.findall(
            r"(?<![\d.$₹£€])(\d{1,3}(?:,\d{3})+|\d+)(\s?k\b)?(?![\d.])", ascii_digits(text.lower())
        )
    }
    return found.pop() if len(found) == 1 else None


def match_option(said: str | None, options: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The one option whose name the words name ("a gift card", "statement credit")."""
    if not said:
        return None
    told = set(words(said)) - GENERIC_OPTION_WORDS
    scores = [(len(told & (set(words(option["name"])) - GENERIC_OPTION_WORDS)), option) for option in options]
    best = max((score for score, _ in scores), default=0)
    winners = [option for score, option in scores if score == best]
    return winners[0] if best > 0 and len(winners) == 1 else None


def worth(option: dict[str, Any], points: int) -> str:
    units = points // int(option["points_needed"])
    return money(Decimal(str(option["value"])) * units, option.get("currency", "USD"))


def affordable(rewards: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        option for option in rewards.get("options", []) if int(option["points_needed"]) <= rewards["points"]
    ]


def option_price(option: dict[str, Any], language: str = ENGLISH) -> str:
    """ "1,000 points = $6.00", "1,000 पॉइंट्स = $6.00" """
    step = int(option["points_needed"])
    return phrase(
        "option_price", language, step=grouped(step, currency_of([option])), value=worth(option, step)
    )


def currency_of(options: list[dict[str, Any]]) -> str:
    """The currency of the customer's rewards (its card's), which decides how points are grouped."""
    return str(options[0].get("currency") or "USD") if options else "USD"


def most_points(option: dict[str, Any], available: int) -> int:
    step = int(option["points_needed"])
    return available // step * step


class RewardsForm(TaskForm):
    task = "rewards"
    task_slots = ("redeem_option", "redeem_points", "redemption_confirmed")
    extra_slots = ("rewards_current", "redemption_wanted", "redeem_said")
    needs_fresh_code = True

    async def prefill(self, turn: Turn) -> None:
        if wants_redemption(turn.text):
            said = " ".join(words(re.sub(r"\d", " ", turn.text))[:MAX_SAID_WORDS])
            turn.set(redemption_wanted=True, redeem_said={"words": said, "points": parse_points(turn.text)})

    async def questions(self, turn: Turn) -> tuple[str, ...]:
        if not turn.slot("redemption_wanted"):
            return ()
        if turn.slot("rewards_current") is None and not await self.load(turn):
            return ()
        return self.task_slots

    async def load(self, turn: Turn) -> bool:
        """Keeps the points and options for the questions; False when the task ended here."""
        reply = await turn.service.me("GET", "/rewards")
        if reply.status != 200:
            turn.say("utter_service_error")
            turn.finish("error")
            return False
        options: list[dict[str, Any]] = [
            {
                "name": str(option["name"]),
                "points_needed": int(option["points_needed"]),
                "value": str(option["value"]),
                "currency": str(option.get("currency") or "USD"),
            }
            for option in reply.get("options") or []
        ]
        points = int(reply.get("points") or 0)
        rewards = {"points": points, "options": options}
        turn.set(rewards_current=rewards)
        if not affordable(rewards):
            smallest = min((int(option["points_needed"]) for option in options), default=0)
            currency = currency_of(options)
            turn.say(
                "utter_redeem_not_enough",
                points=grouped(points, currency),
                smallest=grouped(smallest, currency),
            )
            turn.finish("declined")
            return False
        said = turn.slot("redeem_said") or {}
        option = match_option(said.get("words"), affordable(rewards))
        if option is not None:
            turn.set(redeem_option=option["name"])
            if said.get("points"):
                self.take_points(turn, option, points, int(said["points"]))
        return True

    async def wants_change(self, turn: Turn) -> bool:
        return turn.slot("redemption_confirmed") is True

    @staticmethod
    def chosen(turn: Turn) -> dict[str, Any] | None:
        rewards = turn.slot("rewards_current") or {}
        name = turn.slot("redeem_option")
        return next((option for option in rewards.get("options", []) if option["name"] == name), None)

    @staticmethod
    def take_points(turn: Turn, option: dict[str, Any], available: int, points: int) -> None:
        step = int(option["points_needed"])
        if points < step or points % step or points > available:
            turn.say(
                "utter_redeem_points_rule",
                option=option["name"],
                step=grouped(step, currency_of([option])),
                points=grouped(available, currency_of([option])),
                most=grouped(most_points(option, available), currency_of([option])),
            )
            return
        turn.set(redeem_points=str(points))

    async def validate_redeem_option(self, turn: Turn) -> bool:
        rewards = turn.slot("rewards_current") or {}
        option = match_option(turn.text, affordable(rewards))
        if option is None:
            return False
        turn.set(redeem_option=option["name"])
        return True

    async def validate_redeem_points(self, turn: Turn) -> bool:
        rewards = turn.slot("rewards_current") or {}
        option = self.chosen(turn)
        if option is None:
            return False
        available = int(rewards.get("points") or 0)
        points = (
            most_points(option, available) if set(words(turn.text)) & ALL_WORDS else parse_points(turn.text)
        )
        if points is None:
            return False
        self.take_points(turn, option, available, points)
        return True

    async def validate_redemption_confirmed(self, turn: Turn) -> bool:
        return confirmation(turn, "redemption_confirmed", "utter_redemption_not_made")


class ActionAskRedeemOption(Action):
    def name(self) -> str:
        return "action_ask_redeem_option"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        rewards = tracker.get_slot("rewards_current") or {"points": 0, "options": []}
        buttons = [
            {
                "title": f"{option['name']} ({option_price(option, language_of(tracker))})",
                "payload": option["name"],
            }
            for option in affordable(rewards)
        ]
        dispatcher.utter_message(
            response="utter_ask_redeem_option",
            points=grouped(rewards["points"], currency_of(rewards["options"])),
            buttons=buttons,
        )
        return []


def chosen_option(tracker: Tracker) -> tuple[dict[str, Any], dict[str, Any] | None]:
    """The rewards read at the start of the task, and the option the customer chose (if any)."""
    rewards = tracker.get_slot("rewards_current") or {"points": 0, "options": []}
    name = tracker.get_slot("redeem_option")
    return rewards, next((o for o in rewards["options"] if o["name"] == name), None)


class ActionAskRedeemPoints(Action):
    def name(self) -> str:
        return "action_ask_redeem_points"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        rewards, option = chosen_option(tracker)
        if option is None:
            return []
        most = most_points(option, rewards["points"])
        dispatcher.utter_message(
            response="utter_ask_redeem_points",
            option=option["name"],
            step=grouped(option["points_needed"], currency_of([option])),
            unit_value=worth(option, option["points_needed"]),
            points=grouped(rewards["points"], currency_of([option])),
            buttons=[
                {
                    "title": phrase(
                        "all_points_button", language_of(tracker), most=grouped(most, currency_of([option]))
                    ),
                    "payload": "all",
                }
            ],
        )
        return []


class ActionAskRedemptionConfirmed(Action):
    def name(self) -> str:
        return "action_ask_redemption_confirmed"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        rewards, option = chosen_option(tracker)
        points = int(tracker.get_slot("redeem_points") or 0)
        if option is None or not points:
            return []
        dispatcher.utter_message(
            response="utter_ask_redemption_confirmed",
            redeem=grouped(points, currency_of([option])),
            option=option["name"],
            value=worth(option, points),
            left=grouped(rewards["points"] - points, currency_of([option])),
            buttons=yes_no_buttons(language_of(tracker)),
        )
        return []


class ActionShowRewards(TaskAction):
    task = "rewards"
    action_name = "action_show_rewards"
    form = RewardsForm
    self_service_response = "utter_rewards"

    async def perform(self, turn: Turn) -> None:
        if turn.slot("redemption_confirmed") is True:
            await self.redeem(turn)
            return
        reply = await turn.service.me("GET", "/rewards")
        if reply.status != 200:
            turn.say("utter_service_error")
            return
        offered = reply.get("options") or []
        currency = currency_of(offered)
        options = [
            phrase(
                "option_from",
                turn.language,
                name=option["name"],
                step=grouped(int(option["points_needed"]), currency),
            )
            for option in offered
        ]
        turn.say(
            "utter_rewards_summary",
            points=grouped(int(reply.get("points") or 0), currency),
            options=bulleted(options),
        )

    async def redeem(self, turn: Turn) -> None:
        option, points = turn.slot("redeem_option"), int(turn.slot("redeem_points") or 0)
        reply = await turn.service.me("POST", "/rewards/redemptions", option=option, points=points)
        if reply.status == 201:
            turn.say(
                "utter_redemption_done",
                redeem=grouped(points, reply.get("currency") or "USD"),
                option=option,
                value=money(reply.get("value") or 0, reply.get("currency") or "USD"),
                reference=reply.get("reference"),
                left=grouped(int(reply.get("points_left") or 0), reply.get("currency") or "USD"),
            )
        elif reply.error == "not_enough_points":
            turn.say("utter_redeem_not_enough_now")
        else:
            say_refused(turn, reply)

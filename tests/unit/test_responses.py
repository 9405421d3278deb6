"""Every response an action utters exists in the domain, and every response is said somewhere.

`rasa data validate` only sees rules and stories, so the responses the task actions utter look
unused to it; this test is the check for those (and scripts/run_tests.sh ignores only that
warning).
"""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from actions.task_form import QUESTIONS, TASKS

REPO_ROOT = Path(__file__).resolve().parents[2]


def domain_responses() -> set[str]:
    names: set[str] = set()
    for path in (REPO_ROOT / "domain").glob("*.yml"):
        names |= set(yaml.safe_load(path.read_text(encoding="utf-8")).get("responses") or {})
    return names


def domain_form_slots() -> set[str]:
    slots: set[str] = set()
    for path in (REPO_ROOT / "domain").glob("*.yml"):
        for form in (yaml.safe_load(path.read_text(encoding="utf-8")).get("forms") or {}).values():
            slots |= set(form["required_slots"])
    return slots


def dialogue_actions() -> set[str]:
    text = "".join(path.read_text(encoding="utf-8") for path in (REPO_ROOT / "data").rglob("*.yml"))
    return set(re.findall(r"action: (utter_\w+)", text))


def literal_names_in_actions() -> set[str]:
    text = "".join(path.read_text(encoding="utf-8") for path in (REPO_ROOT / "actions").glob("*.py"))
    return set(re.findall(r"\"(utter_[a-z_]+)\"", text))


def generated_names() -> set[str]:
    """Names the actions build: hints and questions per slot, answers per topic and decline reason."""
    slots = domain_form_slots()
    names = {f"utter_hint_{slot}" for slot in slots} | {f"utter_ask_{slot}" for slot in slots}
    names |= {
        "utter_ask_find_user_id_form_identity_card",
        "utter_ask_reset_password_form_user_id",
    }
    names |= {f"utter_{topic}" for topic in QUESTIONS}
    names |= {
        f"utter_declined_{reason}"
        for reason in ("frozen", "inactive", "fraud_hold", "over_limit", "replaced", "none")
    }
    return names


def test_every_response_an_action_names_exists():
    missing = literal_names_in_actions() - domain_responses()
    assert not missing, f"actions utter responses the domain lacks: {sorted(missing)}"


def test_every_hint_and_decline_reason_has_a_response():
    hints = {name for name in generated_names() if not name.startswith("utter_ask_")}
    missing = hints - domain_responses()
    assert not missing, sorted(missing)


def test_every_form_question_has_a_response_or_an_action():
    actions_text = "".join(path.read_text(encoding="utf-8") for path in (REPO_ROOT / "actions").glob("*.py"))
    responses = domain_responses()
    for slot in domain_form_slots():
        asked = f"utter_ask_{slot}" in responses or f'"action_ask_{slot}"' in actions_text
        assert asked, f"nothing asks for {slot}"


def test_every_response_is_said_somewhere():
    said = dialogue_actions() | literal_names_in_actions() | generated_names()
    unused = domain_responses() - said
    assert not unused, f"responses nobody says: {sorted(unused)}"


def test_every_task_has_a_form_and_a_finishing_rule():
    rules = (REPO_ROOT / "data" / "rules" / "tasks.yml").read_text(encoding="utf-8")
    for task in TASKS:
        assert f"intent: {task}\n      - action: {task}_form" in rules
        assert f"condition:\n      - active_loop: {task}_form" in rules


def test_every_placeholder_in_a_task_response_is_filled():
    """A placeholder nobody fills would reach the customer as "{amount}"."""
    from actions.facts import fact_slots, load_issuer_config

    actions_text = "".join(path.read_text(encoding="utf-8") for path in (REPO_ROOT / "actions").glob("*.py"))
    passed = set(re.findall(r"\b(\w+)=", actions_text))
    slots: set[str] = set()
    for path in (REPO_ROOT / "domain").glob("*.yml"):
        slots |= set(yaml.safe_load(path.read_text(encoding="utf-8")).get("slots") or {})
    known = passed | slots | set(fact_slots(load_issuer_config(str(REPO_ROOT / "issuer.yml")), "US"))
    task_responses = yaml.safe_load((REPO_ROOT / "domain" / "task_responses.yml").read_text(encoding="utf-8"))
    for name, variations in task_responses["responses"].items():
        for variation in variations:
            unknown = set(re.findall(r"{(\w+)}", variation["text"])) - known
            assert not unknown, f"{name}: nothing fills {sorted(unknown)}"


def test_the_action_server_serves_exactly_the_actions_the_domain_names():
    from rasa_sdk.executor import ActionExecutor

    executor = ActionExecutor()
    executor.register_package("actions")
    named: set[str] = set()
    for path in (REPO_ROOT / "domain").glob("*.yml"):
        named |= set(yaml.safe_load(path.read_text(encoding="utf-8")).get("actions") or [])
    assert set(executor.actions) == named


def test_every_button_renders_through_rasas_template_filler_without_a_failure(monkeypatch):
    """Rasa fills {placeholders} in buttons as well as text; a JSON payload with single braces
    fails that (and the failure was logged with the customer's message beside it), so the braces
    of a payload are doubled in the domain and come out single."""
    from rasa.core.nlg import interpolator

    failures: list[str] = []
    monkeypatch.setattr(interpolator.structlogger, "exception", lambda event, **_: failures.append(event))
    rendered = []
    for path in sorted((REPO_ROOT / "domain").glob("*.yml")):
        responses = yaml.safe_load(path.read_text(encoding="utf-8")).get("responses") or {}
        for variants in responses.values():
            for variant in variants:
                for button in variant.get("buttons") or []:
                    rendered.append(interpolator.interpolate(button["payload"], {"slot": None}))
    assert not failures
    assert '/inform{"region":"IN"}' in rendered and not any("{{" in payload for payload in rendered)

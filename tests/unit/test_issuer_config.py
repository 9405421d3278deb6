"""issuer.yml loads, is complete, and is the only source of issuer facts in the answers."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from actions.facts import (
    FACT_PATHS,
    IssuerConfigError,
    fact_slots,
    load_issuer_config,
    normalise_region,
    validate_config,
)

REPO_ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def config():
    return load_issuer_config(str(REPO_ROOT / "issuer.yml"))


def domain_responses() -> dict[str, list[dict]]:
    """The answers to questions (task responses also carry values the actions pass)."""
    responses: dict[str, list[dict]] = {}
    for path in sorted((REPO_ROOT / "domain").glob("*.yml")):
        if path.name == "task_responses.yml":
            continue
        responses.update(yaml.safe_load(path.read_text(encoding="utf-8")).get("responses") or {})
    return responses


def test_region_facts_differ_between_the_us_and_india(config):
    us, india = fact_slots(config, "US"), fact_slots(config, "IN")
    assert us["site"].endswith("/en-us/") and india["site"].endswith("/en-in/")
    assert "1800-419-2122" in india["support_phone"]
    assert us["region_known"] is True and us["region_name"] == "the United States"


def test_unknown_region_gets_generic_facts_and_is_marked_unknown(config):
    slots = fact_slots(config, None)
    assert slots["region_known"] is False and slots["region_code"] is None
    assert slots["site"] == config["generic"]["site"]


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("India", "IN"),
        ("  INDIA ", "IN"),
        ("IN", "IN"),
        ("U.S.", "US"),
        ("usa", "US"),
        ("the United States", "US"),
        ("United States of America", "US"),
        ("France", None),
        (None, None),
    ],
)
def test_region_names_are_normalised(config, typed, code):
    assert normalise_region(typed, config) == code


def test_a_missing_fact_is_refused(config):
    broken = {**config, "online_access": {**config["online_access"], "password_min_length": None}}
    with pytest.raises(IssuerConfigError, match="password_min_length"):
        validate_config(broken)


def test_an_unknown_default_region_is_refused(config):
    with pytest.raises(IssuerConfigError, match="default_region"):
        validate_config({**config, "default_region": "FR"})


def test_every_placeholder_in_the_answers_is_a_fact_slot(config):
    known = set(fact_slots(config, "US"))
    used = set()
    for variations in domain_responses().values():
        for variation in variations:
            used |= set(re.findall(r"{(\w+)}", variation.get("text", "")))
    assert used, "the answers use no facts at all"
    assert used <= known, f"placeholders with no fact behind them: {sorted(used - known)}"


def test_the_answers_hold_no_issuer_value_literally(config):
    literal_values = {
        str(config[section][key])
        for section, key in FACT_PATHS.values()
        if len(str(config[section][key])) > 3
    }
    for region in config["regions"].values():
        literal_values |= {region["site"], *re.findall(r"\d{4}-\d{3}-\d{4}", region["support_phone"])}
    for name, variations in domain_responses().items():
        for variation in variations:
            for value in literal_values:
                assert value not in variation.get("text", ""), f"{name} spells out {value!r}; use its slot"


def test_every_contract_topic_has_an_answer():
    topics = [
        "register_online",
        "find_user_id",
        "reset_password",
        "account_locked",
        "login_help",
        "mfa_help",
        "password_requirements",
        "browser_troubleshooting",
        "mobile_app",
        "check_balance",
        "pay_bill",
        "setup_autopay",
        "view_statements",
        "recent_transactions",
        "activate_card",
        "freeze_card",
        "unfreeze_card",
        "report_fraud",
        "dispute_charge",
        "replace_card",
        "card_declined",
        "rewards",
        "manage_alerts",
        "update_personal_details",
        "manage_pin",
        "card_benefits",
        "contact_support",
        "human_handoff",
        "security_tips",
        "report_phishing",
        "greet",
        "goodbye",
        "affirm",
        "deny",
        "thank_you",
        "bot_challenge",
        "help",
        "stop",
    ]
    responses = domain_responses()
    assert [t for t in topics if f"utter_{t}" not in responses] == []

"""Issuer facts from issuer.yml, turned into the slot values that the responses refer to."""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

DEFAULT_CONFIG_PATH = Path(__file__).resolve().parent.parent / "issuer.yml"

# slot name -> path in issuer.yml (region-independent facts)
FACT_PATHS = {
    "issuer_name": ("issuer", "name"),
    "issuer_website": ("issuer", "website"),
    "app_name": ("issuer", "app_name"),
    "rewards_program": ("issuer", "rewards_program"),
    "offers_name": ("issuer", "offers_name"),
    "card_number_digits": ("issuer", "card_number_digits"),
    "card_id_digits": ("issuer", "card_id_digits"),
    "password_min_length": ("online_access", "password_min_length"),
    "reset_link_lifetime": ("online_access", "reset_link_lifetime"),
    "lockout_duration": ("online_access", "lockout_duration"),
    "statements_months_online": ("online_access", "statements_months_online"),
    "chat_hours": ("support", "chat_hours"),
}
REGIONAL_FACTS = ("site", "support_phone")


class IssuerConfigError(ValueError):
    """issuer.yml is missing a value that the dialogue needs."""


@lru_cache(maxsize=4)
def load_issuer_config(path: str | None = None) -> dict[str, Any]:
    config_path = Path(path or os.environ.get("ISSUER_CONFIG") or DEFAULT_CONFIG_PATH)
    with config_path.open(encoding="utf-8") as config_file:
        config = yaml.safe_load(config_file)
    validate_config(config)
    return config


def validate_config(config: Any) -> None:
    if not isinstance(config, dict):
        raise IssuerConfigError("issuer config must be a mapping")
    for slot_name, (section, key) in FACT_PATHS.items():
        if config.get(section, {}).get(key) in (None, ""):
            raise IssuerConfigError(f"issuer config lacks {section}.{key} (slot {slot_name})")
    regions = config.get("regions")
    if not isinstance(regions, dict) or not regions:
        raise IssuerConfigError("issuer config lacks regions")
    for code, region in {**regions, "generic": config.get("generic") or {}}.items():
        for key in REGIONAL_FACTS:
            if not region.get(key):
                raise IssuerConfigError(f"issuer config lacks {key} for region {code}")
    default_region = config.get("default_region")
    if default_region is not None and default_region not in regions:
        raise IssuerConfigError(f"default_region {default_region!r} is not one of {list(regions)}")


def normalise_region(text: Any, config: dict[str, Any]) -> str | None:
    """Maps what a customer typed ("India", "U.S.", "IN") to a region code, or None."""
    if not isinstance(text, str):
        return None
    wanted = " ".join(text.strip().lower().split())
    for code, region in config["regions"].items():
        aliases = {code.lower(), region["name"].lower(), *(a.lower() for a in region["aliases"])}
        if wanted in aliases or wanted.removeprefix("the ") in aliases:
            return code
    return None


def fact_slots(config: dict[str, Any], region_code: str | None) -> dict[str, Any]:
    """The slot values for every fact, regional ones for region_code (generic when None)."""
    slots: dict[str, Any] = {slot: str(config[section][key]) for slot, (section, key) in FACT_PATHS.items()}
    region = config["regions"].get(region_code) if region_code else None
    regional = region or config["generic"]
    slots.update({key: str(regional[key]) for key in REGIONAL_FACTS})
    slots["region_code"] = region_code if region else None
    slots["region_known"] = region is not None
    slots["region_name"] = region["name"] if region else None
    return slots


def translated_fact_slots(config: dict[str, Any], region_code: str | None, language: str) -> dict[str, str]:
    """The slot values of the facts that issuer.yml words in `language` (its `translations`);
    responses in that language show these instead of the English ones. Empty for English."""
    words = (config.get("translations") or {}).get(language) or {}
    slots = {
        slot: str(words[section][key])
        for slot, (section, key) in FACT_PATHS.items()
        if key in (words.get(section) or {})
    }
    region = (words.get("regions") or {}).get(region_code) if region_code in config["regions"] else None
    regional = region if region is not None else words.get("generic") or {}
    slots.update({key: str(regional[key]) for key in REGIONAL_FACTS if key in regional})
    if region is not None and "name" in region:
        slots["region_name"] = str(region["name"])
    return slots


def translated_agent_hours(config: dict[str, Any], description: str, language: str) -> str | None:
    """issuer.yml's wording in `language` of when the team answers the chat, when `description`
    (the account service's) is the configured one and has a translation; else None."""
    configured = ((config.get("support") or {}).get("agent_hours") or {}).get("description")
    words = (config.get("translations") or {}).get(language) or {}
    translated = ((words.get("support") or {}).get("agent_hours") or {}).get("description")
    return str(translated) if translated and description == configured else None

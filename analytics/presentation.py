"""The figures as HTML: the summary tiles and the detail tables, shared by the report and the
insights page. Autoescaped Jinja2: a customer's message is always shown as text."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

TEMPLATES = Path(__file__).resolve().parent / "templates"

_environment = jinja2.Environment(
    loader=jinja2.FileSystemLoader(TEMPLATES),
    autoescape=True,
    undefined=jinja2.StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)


def render(name: str, **context: Any) -> str:
    return _environment.get_template(name).render(**context)


def summary(shown: dict[str, Any]) -> Markup:
    """The tiles for a page of the agent console (already escaped)."""
    return Markup(render("summary.html", shown=shown))


def details(shown: dict[str, Any]) -> Markup:
    """The tables: funnel, identity checks, handoffs, mix, least-understood messages."""
    return Markup(render("details.html", shown=shown))


def sections(shown: dict[str, Any]) -> Markup:
    return summary(shown) + details(shown)

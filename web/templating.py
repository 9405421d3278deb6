"""The website's HTML: Jinja2 templates under web/templates, escaped by default.

One environment per application, built once at start; every template is compiled then, so a
broken template stops the website from starting rather than failing a visitor's request.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import jinja2
from aiohttp import web

TEMPLATE_DIR = Path(__file__).resolve().parent / "templates"
TEMPLATES = web.AppKey("templates", jinja2.Environment)


def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATE_DIR),
        autoescape=jinja2.select_autoescape(enabled_extensions=("html",), default_for_string=True),
        undefined=jinja2.StrictUndefined,  # a missing value is a bug, not an empty string
        auto_reload=False,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    # Keep the order values were given in (the page lists regions in issuer.yml's order).
    env.policies["json.dumps_kwargs"] = {"sort_keys": False}
    for name in env.list_templates(extensions=["html"]):
        env.get_template(name)
    return env


def render(app: web.Application, name: str, **context: Any) -> str:
    return app[TEMPLATES].get_template(name).render(**context)


def html_response(app: web.Application, name: str, *, status: int = 200, **context: Any) -> web.Response:
    response = web.Response(text=render(app, name, **context), content_type="text/html", status=status)
    response.headers["Cache-Control"] = "no-store"
    return response

"""Rendering the Ukrainian email templates in templates/email/: subject, plain text and HTML per kind."""

from __future__ import annotations

from functools import cache
from typing import Any

import jinja2

from zvit.templating import environment

TEMPLATE_DIR = "email"


@cache
def _html_environment() -> jinja2.Environment:
    # The shared environment autoescapes by the last extension only, and .html.j2 ends in .j2:
    # email HTML always escapes, whatever a department's name contains.
    return environment().overlay(autoescape=True)


def render_parts(kind: str, **context: Any) -> tuple[str, str, str | None]:
    """(subject, text, html) of one kind of email; html is None when the kind has no HTML template."""
    text_env = environment()
    subject = text_env.get_template(f"{TEMPLATE_DIR}/{kind}.subject.txt.j2").render(**context)
    text = text_env.get_template(f"{TEMPLATE_DIR}/{kind}.txt.j2").render(**context)
    try:
        html_template = _html_environment().get_template(f"{TEMPLATE_DIR}/{kind}.html.j2")
    except jinja2.TemplateNotFound:
        return subject, text, None
    return subject, text, html_template.render(**context)


@cache
def sender_name() -> str:
    """The display name of the From address."""
    return environment().get_template(f"{TEMPLATE_DIR}/sender.txt.j2").render().strip()

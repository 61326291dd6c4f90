"""Rendering the public pages: GOV.UK Frontend's Jinja templates, escaped on output."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import time
from functools import lru_cache
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from sla_monitor.wording import long_date

if TYPE_CHECKING:
    from jinja2 import Environment

    from sla_monitor.council import Council


@dataclass(frozen=True)
class Urls:
    """Where each page is. The function serves the root of its API, so every address starts with
    the base path the browser used: the API stage, or a custom domain's base path mapping."""

    base_path: str = ""

    @property
    def start(self) -> str:
        return f"{self.base_path}/"

    @property
    def form(self) -> str:
        return f"{self.base_path}/form"

    @property
    def check(self) -> str:
        return f"{self.base_path}/check"

    def confirmation(self, receipt: str) -> str:
        return f"{self.base_path}/confirmation?receipt={quote(receipt, safe='')}"

    def information(self, page: str) -> str:
        """The accessibility statement, privacy notice or cookies page."""
        return f"{self.base_path}/{page}"

    def asset(self, name: str) -> str:
        return f"{self.base_path}/assets/{name}"


def working_days(count: int) -> str:
    return "1 working day" if count == 1 else f"{count} working days"


def paragraphs(text: str | None) -> list[list[str]]:
    """What someone wrote, or a letter's words, as paragraphs of lines: the pages show its line
    breaks without a style of their own, each line escaped as any text is."""
    blocks = re.split(r"\n\s*\n", (text or "").replace("\r\n", "\n").strip())
    return [block.split("\n") for block in blocks if block.strip()]


def clock_time(value: time) -> str:
    """A time as GOV.UK writes it: 5pm, 5:30pm, midday."""
    if value == time(12, 0):
        return "midday"
    hour = value.hour % 12 or 12
    suffix = "am" if value.hour < 12 else "pm"
    return f"{hour}{suffix}" if value.minute == 0 else f"{hour}:{value.minute:02d}{suffix}"


@lru_cache(maxsize=1)
def environment() -> Environment:
    # jinja2 and the templates load with the first page, not with the function.
    from jinja2 import ChoiceLoader, Environment, PackageLoader, PrefixLoader, select_autoescape

    env = Environment(
        loader=ChoiceLoader(
            [
                PackageLoader("sla_monitor.web", "templates"),
                PrefixLoader({"govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja")}),
            ]
        ),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["long_date"] = long_date
    env.filters["working_days"] = working_days
    env.filters["paragraphs"] = paragraphs
    return env


def render(template: str, *, urls: Urls, council: Council, csp_nonce: str, **context: Any) -> str:
    return (
        environment()
        .get_template(template)
        .render(urls=urls, council=council, csp_nonce=csp_nonce, **context)
    )

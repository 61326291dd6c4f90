"""The council's own settings: its name and branding, its office hours and closure days."""

from __future__ import annotations

import os
from collections.abc import Iterable
from datetime import date, time
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ConfigDict, Field, field_validator

from sla_monitor.calendar import WorkingDayCalendar


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Branding(_Strict):
    colour: str = Field(default="#005EA5", pattern=r"^#[0-9A-Fa-f]{6}$")
    sign_off: str = "Customer Services Team"


class CalendarSettings(_Strict):
    timezone: str = "Europe/London"
    cut_off: time = time(17, 0)
    office_opens: time = time(9, 0)
    office_closes: time = time(17, 0)
    closure_days: tuple[date, ...] = ()

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        ZoneInfo(value)
        return value


class Ombudsman(_Strict):
    name: str
    website: str
    phone: str


class Council(_Strict):
    name: str
    short_name: str
    reference_prefix: str = Field(pattern=r"^[A-Z]{2,6}$")
    website: str
    phone: str
    address: str
    customer_services_email: str
    branding: Branding = Branding()
    calendar_settings: CalendarSettings = Field(default=CalendarSettings(), alias="calendar")
    retention_days: int = Field(default=2190, ge=30)
    ombudsman: Ombudsman

    def calendar(self, stored_closure_days: Iterable[date] = ()) -> WorkingDayCalendar:
        """The working-day calendar: the closure days configured here, and any an administrator
        stored since (`stored_closure_days`)."""
        c = self.calendar_settings
        return WorkingDayCalendar(
            closure_days=(*c.closure_days, *stored_closure_days),
            cut_off=c.cut_off,
            office_opens=c.office_opens,
            office_closes=c.office_closes,
            timezone=ZoneInfo(c.timezone),
        )


def load_council_file(path: Path) -> Council:
    import yaml  # with the first settings read, not with the module

    with path.open(encoding="utf-8") as handle:
        return Council.model_validate(yaml.safe_load(handle))


def _deployment_overrides(data: dict[str, Any]) -> dict[str, Any]:
    """Settings the SAM template's parameters give a deployment win over `council.yaml`."""
    env = os.environ
    if env.get("COUNCIL_NAME"):
        data["name"] = env["COUNCIL_NAME"]
    if env.get("COUNCIL_BRANDING_COLOUR"):
        data["branding"] = {**data.get("branding", {}), "colour": env["COUNCIL_BRANDING_COLOUR"]}
    if env.get("RETENTION_DAYS"):
        data["retention_days"] = int(env["RETENTION_DAYS"])
    return data


@lru_cache(maxsize=1)
def load_council() -> Council:
    """The council settings shipped with the product (`config/council.yaml`), with the
    deployment's parameters (COUNCIL_NAME, COUNCIL_BRANDING_COLOUR, RETENTION_DAYS) on top.
    Read when first needed, never at import."""
    import yaml

    text = resources.files("sla_monitor").joinpath("config/council.yaml").read_text("utf-8")
    return Council.model_validate(_deployment_overrides(yaml.safe_load(text)))

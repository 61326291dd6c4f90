"""The council's own settings: its name and branding, its office hours and closure days."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, time
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ConfigDict, Field, field_validator

from sla_monitor.calendar import WorkingDayCalendar
from sla_monitor.cases import CaseType


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


OTHER_REASON = "other"


class ClosingReason(_Strict):
    """A reason staff may give for closing a case without a letter, and whether the council
    counts it as the reply it promised (the matter was resolved on the phone) or not (a
    duplicate, withdrawn by the customer): then the promise is closed without a reply."""

    name: str = Field(pattern=r"^[a-z][a-z_]{1,39}$")
    text: str = Field(min_length=1, max_length=100)  # as staff choose it and reports read it
    meets_response: bool = False


class ClosingWithoutALetter(_Strict):
    """Where the council lets staff close a case without writing to the customer: the case
    types, and the reasons to choose from (besides "other", in the officer's own words, which
    never counts as the reply)."""

    case_types: tuple[CaseType, ...] = ()
    reasons: tuple[ClosingReason, ...] = ()

    @field_validator("reasons")
    @classmethod
    def _distinct_names(cls, reasons: tuple[ClosingReason, ...]) -> tuple[ClosingReason, ...]:
        names = [r.name for r in reasons]
        if OTHER_REASON in names:
            raise ValueError(f'"{OTHER_REASON}" is always offered: it is not listed')
        if len(set(names)) != len(names):
            raise ValueError("each reason needs a name of its own")
        return reasons

    def allowed_for(self, case_type: CaseType) -> bool:
        return case_type in self.case_types

    def reason(self, name: str) -> ClosingReason | None:
        return next((r for r in self.reasons if r.name == name), None)


class StartingTemplate(_Strict):
    """A reply template the council starts with (`sla_monitor.reply_templates`): stored when
    the tables are first made, then kept and changed by administrators in the workspace."""

    title: str = Field(min_length=1, max_length=100)
    text: str = Field(min_length=1, max_length=5000)


class OpenData(_Strict):
    """The open status API (Open311 GeoReport v2). It never publishes personal data; with
    `publish_descriptions` it also publishes what the customer wrote, anonymised (figures,
    addresses, postcodes and capitalised words taken out), and nothing where in doubt."""

    publish_descriptions: bool = False
    # GeoReport's jurisdiction_id; by default the host of the council's website, without www.
    jurisdiction_id: str | None = Field(default=None, pattern=r"^[a-z0-9.-]{1,100}$")


class Privacy(_Strict):
    """What the privacy notice says about the council as data controller."""

    # Where to write about personal data; the customer services address when not given.
    data_protection_officer_email: str | None = None
    ico_registration_number: str | None = None


class Accessibility(_Strict):
    """What the accessibility statement says beyond the automated test results."""

    statement_prepared: date
    statement_reviewed: date
    # How quickly the council answers a request for information in another format.
    reply_within_working_days: int = Field(default=5, ge=1, le=30)
    # Who enforces the regulations: the Equality and Human Rights Commission (England, Scotland
    # and Wales) or the Equality Commission for Northern Ireland.
    enforcement_body: Literal["EHRC", "ECNI"] = "EHRC"


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
    open_data: OpenData = OpenData()
    closing_without_a_letter: ClosingWithoutALetter = ClosingWithoutALetter()
    reply_templates: tuple[StartingTemplate, ...] = ()
    privacy: Privacy = Privacy()
    accessibility: Accessibility | None = None
    # Where residents see their own cases (the public API's `/your-cases`, no trailing slash);
    # letters link to each case's page there. Set by the deployment (YOUR_CASES_URL).
    your_cases_url: str | None = None

    @property
    def jurisdiction_id(self) -> str:
        if self.open_data.jurisdiction_id:
            return self.open_data.jurisdiction_id
        host = urlsplit(self.website).hostname or self.short_name.lower()
        return host.removeprefix("www.")

    def case_page_url(self, reference: str) -> str | None:
        """The address of a case's page for its resident, where the deployment has one."""
        return f"{self.your_cases_url}/{reference}" if self.your_cases_url else None

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
    from sla_monitor.settings import read_settings
    from sla_monitor.settings.pieces import CouncilSettings

    deployed = read_settings(CouncilSettings)
    if deployed.council_name:
        data["name"] = deployed.council_name
    if deployed.council_branding_colour:
        data["branding"] = {**data.get("branding", {}), "colour": deployed.council_branding_colour}
    if deployed.your_cases_url:
        data["your_cases_url"] = deployed.your_cases_url
    if deployed.retention_days:
        data["retention_days"] = deployed.retention_days
    return data


@lru_cache(maxsize=1)
def load_council() -> Council:
    """The council settings shipped with the product (`config/council.yaml`), with the
    deployment's parameters (COUNCIL_NAME, COUNCIL_BRANDING_COLOUR, RETENTION_DAYS,
    YOUR_CASES_URL) on top.
    Read when first needed, never at import."""
    import yaml

    text = resources.files("sla_monitor").joinpath("config/council.yaml").read_text("utf-8")
    return Council.model_validate(_deployment_overrides(yaml.safe_load(text)))

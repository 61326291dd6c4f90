"""What the accessibility statement says about testing, read from the record the browser tests
keep true (`config/accessibility-tests.json`: every public page the automated tests check with
axe-core, at which widths, and every issue they found). Its models are built when the statement
is first shown, not when a handler starts.
"""

from __future__ import annotations

from datetime import date
from functools import lru_cache
from importlib import resources

from pydantic import BaseModel, ConfigDict

from sla_monitor.web.have_your_say.information import BLOCKING_IMPACTS

RESULTS_FILE = "config/accessibility-tests.json"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class TestedPage(_Strict):
    # How the browser tests name the page.
    name: str
    # What the statement calls it.
    description: str


class Issue(_Strict):
    page: str
    rule: str
    impact: str
    # axe-core's own short description of the rule.
    description: str


class AccessibilityResults(_Strict):
    tool: str
    tested_on: date
    standard: str
    widths: tuple[int, ...]
    pages: tuple[TestedPage, ...]
    issues: tuple[Issue, ...] = ()

    @property
    def blocking_issues(self) -> tuple[Issue, ...]:
        return tuple(i for i in self.issues if i.impact in BLOCKING_IMPACTS)


@lru_cache(maxsize=1)
def load_accessibility_results() -> AccessibilityResults:
    text = resources.files("sla_monitor").joinpath(RESULTS_FILE).read_text("utf-8")
    return AccessibilityResults.model_validate_json(text)

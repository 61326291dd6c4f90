"""The pages about the service itself, linked from every public page's footer (the
accessibility statement, the privacy notice and the cookies page), and what they say: the
cookies the public pages may set, and what the accessibility statement says about testing, read
from the record the browser tests keep true.

`config/accessibility-tests.json` lists every public page the automated tests check with axe-core,
at which widths, and every issue they found. The browser tests run axe-core on each of those pages
and fail when what they find differs from the record, so the statement never claims more (or
less) than the tests show.
"""

from __future__ import annotations

from datetime import date
from functools import lru_cache
from importlib import resources

from pydantic import BaseModel, ConfigDict

from sla_monitor.web.security import CSRF_COOKIE, CSRF_MAX_AGE

# The pages about the service itself, linked from every page's footer.
INFORMATION_PAGES: dict[str, str] = {
    "accessibility": "Accessibility statement",
    "privacy": "Privacy notice",
    "cookies": "Cookies",
}

# The cookie of the residents' signed-in pages ("your cases"), listed on the cookies page.
YOUR_CASES_COOKIE = "your_cases_session"

RESULTS_FILE = "config/accessibility-tests.json"
# The impacts axe-core gives; the public pages must have none of the last two.
BLOCKING_IMPACTS = ("serious", "critical")


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


def public_cookies() -> list[dict[str, str]]:
    """Every cookie the public pages may set, as the cookies page lists them."""
    return [
        {
            "name": CSRF_COOKIE,
            "purpose": (
                "Keeps the form secure: it proves that the answers you send come from the "
                "form you opened, in your browser"
            ),
            "expires": f"{int(CSRF_MAX_AGE.total_seconds() // 3600)} hours",
        },
        {
            "name": YOUR_CASES_COOKIE,
            "purpose": (
                "Only if you sign in to see your cases: keeps you signed in as you move "
                "from page to page"
            ),
            "expires": "When you sign out, close your browser or stop using the service",
        },
    ]

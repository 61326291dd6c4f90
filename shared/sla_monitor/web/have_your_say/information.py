"""The pages about the service itself, linked from every public page's footer (the
accessibility statement, the privacy notice and the cookies page), and what they say: the
cookies the public pages may set. What the accessibility statement says about testing is read
from the record the browser tests keep true (`accessibility_results.py`): the browser tests run
axe-core on each page it lists and fail when what they find differs from the record, so the
statement never claims more (or less) than the tests show.
"""

from __future__ import annotations

from sla_monitor.web.security import CSRF_COOKIE, CSRF_MAX_AGE

# The pages about the service itself, linked from every page's footer.
INFORMATION_PAGES: dict[str, str] = {
    "accessibility": "Accessibility statement",
    "privacy": "Privacy notice",
    "cookies": "Cookies",
}

# The cookie of the residents' signed-in pages ("your cases"), listed on the cookies page.
YOUR_CASES_COOKIE = "your_cases_session"

# The impacts axe-core gives; the public pages must have none of the last two.
BLOCKING_IMPACTS = ("serious", "critical")


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

"""How the workspace answers with a page: the site's one Jinja environment, the security headers
every answer carries, the navigation a viewer may use, a redirect, and the static assets."""

from __future__ import annotations

import secrets
from functools import lru_cache
from importlib import resources
from typing import TYPE_CHECKING, Any

from sla_monitor.web.http.messages import SetCookie, WebRequest, WebResponse
from sla_monitor.web.pages import long_date, paragraphs
from sla_monitor.web.staff.formatting import file_size, iso_date, sentence, short_date, when
from sla_monitor.web.staff.permissions import Permission, Viewer, may
from sla_monitor.web.staff.urls import StaffUrls
from sla_monitor.wording import day_and_time

if TYPE_CHECKING:
    from jinja2 import Environment

    from sla_monitor.council import Council


ASSETS: dict[str, str] = {
    "staff.css": "text/css; charset=utf-8",
    "govuk-frontend.min.js": "text/javascript; charset=utf-8",
    "moj-frontend.min.js": "text/javascript; charset=utf-8",
    "icon-tag-remove-cross.svg": "image/svg+xml",
}


@lru_cache(maxsize=1)
def environment() -> Environment:
    # jinja2 and the templates load with the first page, not with the function.
    from jinja2 import ChoiceLoader, Environment, PackageLoader, PrefixLoader, select_autoescape

    env = Environment(
        loader=ChoiceLoader(
            [
                PackageLoader("sla_monitor.web.staff", "templates"),
                PrefixLoader({"govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja")}),
            ]
        ),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["long_date"] = long_date
    env.filters["short_date"] = short_date
    env.filters["iso_date"] = iso_date
    env.filters["when"] = when
    env.filters["day_and_time"] = day_and_time
    env.filters["file_size"] = file_size
    env.filters["sentence"] = sentence
    env.filters["paragraphs"] = paragraphs
    return env


def security_headers(nonce: str, *, secure: bool) -> dict[str, str]:
    headers = {
        "Content-Security-Policy": (
            "default-src 'self'; "
            f"script-src 'self' 'nonce-{nonce}'; "
            # The reports' SVG charts carry their own stylesheet, with the page's nonce.
            f"style-src 'self' 'nonce-{nonce}'; img-src 'self' data:; font-src 'self'; "
            "form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'"
        ),
        "X-Content-Type-Options": "nosniff",
        "X-Frame-Options": "DENY",
        "Referrer-Policy": "no-referrer",
        # Case pages hold personal data: never kept by the browser or a proxy.
        "Cache-Control": "no-store",
    }
    if secure:
        headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"
    return headers


def redirect(location: str, *, secure: bool, cookies: tuple[SetCookie, ...] = ()) -> WebResponse:
    return WebResponse(
        status=303,
        body="",
        headers={"Location": location, **security_headers("-", secure=secure)},
        cookies=cookies,
    )


def navigation(viewer: Viewer, urls: StaffUrls) -> list[dict[str, str]]:
    """The workspace's sections the viewer may use, each named by the page's `nav`."""
    sections = (
        ("cases", "Cases", urls.cases(), Permission.VIEW_WORK_LIST),
        ("triage", "Set-aside mail", urls.page("triage"), Permission.HANDLE_TRIAGE),
        ("directory", "Directory", urls.page("directory"), Permission.MANAGE_DIRECTORY),
        ("calendar", "Closure days", urls.page("calendar"), Permission.MANAGE_CALENDAR),
        ("users", "Staff accounts", urls.page("users"), Permission.MANAGE_USERS),
        (
            "reply-templates",
            "Reply templates",
            urls.page("reply-templates"),
            Permission.MANAGE_REPLY_TEMPLATES,
        ),
        ("reports", "Reports", urls.page("reports"), Permission.VIEW_REPORTS),
    )
    return [
        {"key": key, "text": text, "href": href}
        for key, text, href, permission in sections
        if may(viewer, permission)
    ]


def home_of(viewer: Viewer, urls: StaffUrls) -> str:
    """Where the viewer starts: the first section they may use, else their account."""
    sections = navigation(viewer, urls)
    return sections[0]["href"] if sections else urls.account


def render_page(
    template: str,
    *,
    request: WebRequest,
    council: Council,
    status: int = 200,
    viewer: Viewer | None = None,
    **context: Any,
) -> WebResponse:
    """A page of the workspace, signed in or not, with its security headers."""
    nonce = secrets.token_urlsafe(16)
    urls = StaffUrls(request.base_path)
    body = (
        environment()
        .get_template(template)
        .render(
            urls=urls,
            council=council,
            csp_nonce=nonce,
            viewer=viewer,
            navigation=navigation(viewer, urls) if viewer else [],
            **context,
        )
    )
    return WebResponse(
        status=status, body=body, headers=security_headers(nonce, secure=request.secure)
    )


def static_asset(name: str) -> WebResponse | None:
    """One of the workspace's stylesheet, scripts and icons, or None if it has none by that name."""
    content_type = ASSETS.get(name)
    if content_type is None:
        return None
    text = resources.files("sla_monitor.web").joinpath(f"static/{name}").read_text("utf-8")
    return WebResponse(
        status=200,
        body=text,
        content_type=content_type,
        headers={"Cache-Control": "public, max-age=86400", "X-Content-Type-Options": "nosniff"},
    )

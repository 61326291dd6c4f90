"""The staff workspace's routes: API Gateway events in, pages out.

Each route is one line of the pages behind one `requires` decorator: who may use it is written
in `permissions.py`, never here. One module per part of the workspace registers its routes with
the one resolver (`resolver.app`): the front door (`workspace`), casework, the steps on a case
(made from the steps table, `web.staff.steps.ACTIONS`, so each step's permission is written once,
on its line there), the set-aside mail, administration, and signing in and out. Why a request was
turned away becomes an HTTP answer in one place, `errors`. The collaborators (settings, token
verifier, sessions, the pages) are made once per container in `collaborators`.

A part's routes are registered when the first request to an address of that part comes
(`ROUTE_MODULES`), not when the handler is imported: a cold start pays for the pages it answers
(most often signing in), not for the whole workspace. `register_every_route` loads them all.

The Lambda handler (`functions/staff_workspace/app.py`) only calls `handle`.
"""

from __future__ import annotations

import importlib
from datetime import datetime
from typing import Any

from aws_lambda_powertools.utilities.data_classes import APIGatewayProxyEvent
from aws_lambda_powertools.utilities.typing import LambdaContext

from sla_monitor.web.gateway import web_request
from sla_monitor.web.staff.permissions import CURRENT_ACCESS

# Why a request was turned away is answered for every route, so it is registered at once.
from sla_monitor.web.staff.routes import errors  # noqa: F401
from sla_monitor.web.staff.routes.collaborators import logger, reset_collaborators
from sla_monitor.web.staff.routes.resolver import StaffRequest, app

__all__ = ["app", "handle", "logger", "register_every_route", "reset_collaborators"]

# The modules of this package that register the routes under each first part of an address:
# each registers its routes with `app` as it is imported.
ROUTE_MODULES: dict[str, tuple[str, ...]] = {
    "": ("workspace",),
    "account": ("workspace",),
    "reports": ("workspace",),
    "assets": ("workspace",),
    "sign-in": ("sign_in",),
    "auth": ("sign_in",),
    "sign-out": ("sign_in",),
    "signed-out": ("sign_in",),
    "cases": ("casework", "steps"),
    "search": ("casework",),
    "triage": ("triage",),
    "directory": ("administration",),
    "calendar": ("administration",),
    "users": ("administration",),
    "reply-templates": ("reply_templates",),
}


def register_routes_for(path: str) -> None:
    """Register the routes that may answer `path` (the API's own path), if not yet registered.
    An address no part knows registers nothing: no route answers it, and it is not found."""
    first = path.strip("/").split("/", 1)[0]
    for module in ROUTE_MODULES.get(first, ()):
        importlib.import_module(f"{__name__}.{module}")


def register_every_route() -> None:
    for modules in ROUTE_MODULES.values():
        for module in modules:
            importlib.import_module(f"{__name__}.{module}")


def handle(event: dict[str, Any], context: LambdaContext, *, now: datetime) -> dict[str, Any]:
    """Answer one API Gateway event as if the time were `now`."""
    proxy_event = APIGatewayProxyEvent(event)
    register_routes_for(proxy_event.path)
    current = StaffRequest(web_request(proxy_event), now)
    app.append_context(staff_request=current)
    token = CURRENT_ACCESS.set(current)
    try:
        return app.resolve(event, context)
    finally:
        CURRENT_ACCESS.reset(token)
        app.clear_context()

"""The staff workspace's routes: API Gateway events in, pages out.

Each route is one line of the pages behind one `requires` decorator: who may use it is written
in `permissions.py`, never here. One module per part of the workspace registers its routes with
the one resolver (`resolver.app`): the front door (`workspace`), casework, the steps on a case
(made from the steps table, `web.staff.steps.ACTIONS`, so each step's permission is written once,
on its line there), the set-aside mail, administration, and signing in and out. Why a request was
turned away becomes an HTTP answer in one place, `errors`. The collaborators (settings, token
verifier, sessions, the pages) are made once per container in `collaborators`.

The Lambda handler (`functions/staff_workspace/app.py`) only calls `handle`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from aws_lambda_powertools.utilities.data_classes import APIGatewayProxyEvent
from aws_lambda_powertools.utilities.typing import LambdaContext

from sla_monitor.web.gateway import web_request
from sla_monitor.web.staff.permissions import CURRENT_ACCESS

# Each module registers its routes with `app` as it is imported.
from sla_monitor.web.staff.routes import (  # noqa: F401
    administration,
    casework,
    errors,
    sign_in,
    steps,
    triage,
    workspace,
)
from sla_monitor.web.staff.routes.collaborators import logger, reset_collaborators
from sla_monitor.web.staff.routes.resolver import StaffRequest, app

__all__ = ["app", "handle", "logger", "reset_collaborators"]


def handle(event: dict[str, Any], context: LambdaContext, *, now: datetime) -> dict[str, Any]:
    """Answer one API Gateway event as if the time were `now`."""
    current = StaffRequest(web_request(APIGatewayProxyEvent(event)), now)
    app.append_context(staff_request=current)
    token = CURRENT_ACCESS.set(current)
    try:
        return app.resolve(event, context)
    finally:
        CURRENT_ACCESS.reset(token)
        app.clear_context()

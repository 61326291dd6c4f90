"""Lambda handler of the "Have Your Say" form: API Gateway events in, pages out.

Thin on purpose: the routes and how a refused request is answered live in
`sla_monitor.web.have_your_say.routes`; the pages and their rules in `sla_monitor.web`; what
happens around a SnapStart snapshot in `sla_monitor.web.snapstart`.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext

from sla_monitor.web.have_your_say.routes import handle, logger
from sla_monitor.web.snapstart import register_hooks

__all__ = ["handle", "handler"]

# Under SnapStart (template.yaml), what the first request needs loads before the snapshot.
register_hooks()


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_REST)
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return handle(event, context, now=datetime.now(UTC))

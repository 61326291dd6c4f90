"""Lambda handler of the signing secrets' rotation: Secrets Manager invokes it four times for each
rotation of the form's secret and the staff session secret (template.yaml's RotationSchedules).

Thin on purpose: `rotate_signing_secret` carries out the step. Only the step and what it did are
logged, never the secret or its value.
"""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.typing import LambdaContext

from sla_monitor.runtime import services
from sla_monitor.secret_rotation import RotationStep, rotate_signing_secret

logger = Logger(service="secret-rotation")


@logger.inject_lambda_context(clear_state=True)
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, str]:
    asked = RotationStep.from_event(event)
    done = rotate_signing_secret(asked, secrets=services().client("secretsmanager"))
    logger.info("signing secret rotation step", extra={"step": asked.step, "done": done})
    return {"step": asked.step, "done": done}

"""Rotating the secrets that sign the pages' tokens (the form's CSRF tokens and receipts, the
residents' and staff sessions), as Secrets Manager's rotation asks of a rotation function.

Secrets Manager calls the function four times for one rotation, each with a step, the secret and
the new version's token:

- `createSecret`: a new random value, kept as the version AWSPENDING (once: a step called again
  finds it there);
- `setSecret` and `testSecret`: nothing to tell another system, and a value to check is long
  enough; the secret signs and checks only this product's tokens;
- `finishSecret`: the new version becomes AWSCURRENT; Secrets Manager keeps the one before as
  AWSPREVIOUS, which the pages still accept (`web.security.FormSigner`), so a form opened or a
  session started before the rotation goes on working until the next one. The pages read the
  secret again every few minutes (`web.gateway.StoredSigner`).

Nothing of a secret's value is ever logged.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sla_monitor.web.security import MIN_SECRET_LENGTH

PENDING = "AWSPENDING"
CURRENT = "AWSCURRENT"
SECRET_LENGTH = 64
STEPS = ("createSecret", "setSecret", "testSecret", "finishSecret")


class RotationRefused(Exception):
    """The event does not describe a step of a rotation this function may carry out."""


@dataclass(frozen=True)
class RotationStep:
    step: str
    secret_id: str
    token: str

    @classmethod
    def from_event(cls, event: Any) -> RotationStep:
        if not isinstance(event, dict):
            raise RotationRefused("not a rotation event")
        step, secret_id, token = (event.get(k) for k in ("Step", "SecretId", "ClientRequestToken"))
        if step not in STEPS:
            raise RotationRefused("unknown step")
        if not isinstance(secret_id, str) or not secret_id:
            raise RotationRefused("no secret named")
        if not isinstance(token, str) or not 32 <= len(token) <= 64:
            raise RotationRefused("no version token")
        return cls(step=step, secret_id=secret_id, token=token)


def rotate_signing_secret(asked: RotationStep, *, secrets: Any) -> str:
    """Carry out one step of a rotation with the Secrets Manager client `secrets`; what was
    done, for the log."""
    described = secrets.describe_secret(SecretId=asked.secret_id)
    if not described.get("RotationEnabled"):
        raise RotationRefused("rotation is not turned on for the secret")
    stages = described.get("VersionIdsToStages", {}).get(asked.token)
    if stages is None:
        raise RotationRefused("the version is not one of the secret's")
    if CURRENT in stages:
        return "already current"
    if PENDING not in stages:
        raise RotationRefused("the version is not pending")
    if asked.step == "createSecret":
        return _create(asked, secrets)
    if asked.step == "testSecret":
        value = secrets.get_secret_value(
            SecretId=asked.secret_id, VersionId=asked.token, VersionStage=PENDING
        )["SecretString"]
        if len(value) < MIN_SECRET_LENGTH:
            raise RotationRefused("the new value is too short")
        return "tested"
    if asked.step == "finishSecret":
        current = next(
            version for version, held in described["VersionIdsToStages"].items() if CURRENT in held
        )
        secrets.update_secret_version_stage(
            SecretId=asked.secret_id,
            VersionStage=CURRENT,
            MoveToVersionId=asked.token,
            RemoveFromVersionId=current,
        )
        return "finished"
    return "nothing to set"  # setSecret: no other system holds the secret


def _create(asked: RotationStep, secrets: Any) -> str:
    try:
        secrets.get_secret_value(
            SecretId=asked.secret_id, VersionId=asked.token, VersionStage=PENDING
        )
    except secrets.exceptions.ResourceNotFoundException:
        pass
    else:
        return "created already"
    value = secrets.get_random_password(PasswordLength=SECRET_LENGTH, ExcludePunctuation=True)[
        "RandomPassword"
    ]
    secrets.put_secret_value(
        SecretId=asked.secret_id,
        ClientRequestToken=asked.token,
        SecretString=value,
        VersionStages=[PENDING],
    )
    return "created"

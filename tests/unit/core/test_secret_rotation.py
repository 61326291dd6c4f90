"""Rotating a signing secret, step by step as Secrets Manager calls the rotation function; and
the pages still accepting what the previous value signed."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from sla_monitor.secret_rotation import (
    CURRENT,
    PENDING,
    RotationRefused,
    RotationStep,
    rotate_signing_secret,
)
from sla_monitor.web.security import FormSigner
from tests.unit.core.test_residents import MONDAY as NOW

SECRET = "arn:aws:secretsmanager:eu-west-2:123456789012:secret:form-secret"


class NotFound(Exception):
    pass


class FakeSecretsManager:
    """Secrets Manager's versions and stages, as far as a rotation uses them."""

    class exceptions:
        ResourceNotFoundException = NotFound

    def __init__(self, value: str) -> None:
        self.first = str(uuid.uuid4())
        self.values = {self.first: value}
        self.stages: dict[str, list[str]] = {self.first: [CURRENT]}
        self.rotation_enabled = True
        self.made = 0

    def describe_secret(self, SecretId: str) -> dict[str, Any]:
        return {
            "RotationEnabled": self.rotation_enabled,
            "VersionIdsToStages": {k: list(v) for k, v in self.stages.items()},
        }

    def get_secret_value(self, SecretId: str, VersionId: str, VersionStage: str) -> dict[str, Any]:
        if VersionId not in self.values or VersionStage not in self.stages.get(VersionId, []):
            raise NotFound(VersionId)
        return {"SecretString": self.values[VersionId]}

    def get_random_password(self, PasswordLength: int, ExcludePunctuation: bool) -> dict[str, Any]:
        self.made += 1
        return {"RandomPassword": f"{self.made}".ljust(PasswordLength, "r")}

    def put_secret_value(self, SecretId, ClientRequestToken, SecretString, VersionStages):
        self.values[ClientRequestToken] = SecretString
        self.stages.setdefault(ClientRequestToken, []).extend(VersionStages)

    def update_secret_version_stage(
        self, SecretId, VersionStage, MoveToVersionId, RemoveFromVersionId
    ):
        # As Secrets Manager does: the version that was current becomes the previous one.
        self.stages = {k: [s for s in v if s != "AWSPREVIOUS"] for k, v in self.stages.items()}
        self.stages[RemoveFromVersionId] = ["AWSPREVIOUS"]
        self.stages[MoveToVersionId] = [CURRENT]

    def current(self) -> str:
        return next(self.values[k] for k, v in self.stages.items() if CURRENT in v)


def _rotate(secrets: FakeSecretsManager, token: str) -> list[str]:
    secrets.stages[token] = [PENDING]  # Secrets Manager stages the new version's token first
    return [
        rotate_signing_secret(RotationStep(step, SECRET, token), secrets=secrets)
        for step in ("createSecret", "setSecret", "testSecret", "finishSecret")
    ]


def test_a_rotation_makes_a_new_current_value_and_forms_signed_before_still_work():
    secrets = FakeSecretsManager("o" * 64)
    before = FormSigner(secrets.current().encode())
    opened = before.sign("csrf", "a form opened before", issued_at=NOW)
    token = str(uuid.uuid4())

    done = _rotate(secrets, token)

    assert done == ["created", "nothing to set", "tested", "finished"]
    assert secrets.current() != "o" * 64 and len(secrets.current()) == 64
    # The pages: the new value signs, what the previous one signed is still accepted.
    after = FormSigner(secrets.current().encode(), previous=[b"o" * 64])
    assert after.unsign("csrf", opened, now=NOW, max_age=None)[0] == "a form opened before"


def test_a_step_called_again_changes_nothing():
    secrets = FakeSecretsManager("o" * 64)
    token = str(uuid.uuid4())
    secrets.stages[token] = [PENDING]
    create = RotationStep("createSecret", SECRET, token)
    assert rotate_signing_secret(create, secrets=secrets) == "created"
    assert rotate_signing_secret(create, secrets=secrets) == "created already"
    assert secrets.made == 1
    _rotate(secrets, token)
    assert rotate_signing_secret(create, secrets=secrets) == "already current"


def test_a_rotation_not_asked_for_is_refused():
    secrets = FakeSecretsManager("o" * 64)
    with pytest.raises(RotationRefused, match="not one of the secret's"):
        rotate_signing_secret(
            RotationStep("createSecret", SECRET, str(uuid.uuid4())), secrets=secrets
        )
    secrets.rotation_enabled = False
    with pytest.raises(RotationRefused, match="not turned on"):
        rotate_signing_secret(RotationStep("createSecret", SECRET, secrets.first), secrets=secrets)
    for event in (
        None,
        {"Step": "deleteSecret", "SecretId": SECRET, "ClientRequestToken": "t" * 36},
    ):
        with pytest.raises(RotationRefused):
            RotationStep.from_event(event)

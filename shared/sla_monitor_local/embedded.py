"""Embedded AWS: in-process moto with every resource the product needs, for `--embedded` runs,
the demo and the tests."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from unittest import mock

from sla_monitor.directory import Directory, default_directory
from sla_monitor.runtime import Services, reset_services, services
from sla_monitor_local.provisioning import provision

_DUMMY_ENVIRONMENT = {
    "AWS_ACCESS_KEY_ID": "embedded",
    "AWS_SECRET_ACCESS_KEY": "embedded",
    "AWS_SESSION_TOKEN": "embedded",
    "AWS_DEFAULT_REGION": "eu-west-2",
    "AWS_REGION": "eu-west-2",
    "MOTO_ALLOW_NONEXISTENT_REGION": "false",
}


class EmbeddedAWSUnavailable(RuntimeError):
    """moto is not installed (it comes with the project's `dev` extra)."""


@contextmanager
def embedded_aws(directory: Directory | None = None) -> Iterator[Services]:
    """Start in-process moto, create the product's resources on it, and yield the services.

    Real credentials and endpoints in the environment are hidden meanwhile, so nothing an
    embedded run does can reach a real account.
    """
    try:
        from moto import mock_aws
    except ImportError as error:  # pragma: no cover - depends on the install
        raise EmbeddedAWSUnavailable(
            "embedded AWS needs moto: install the project with its 'dev' extra"
        ) from error
    from sla_monitor_local import emulator

    emulator.install()  # moto's DynamoDB at a real council's size (see the module)
    hidden = {k: "" for k in ("AWS_ENDPOINT_URL", "AWS_PROFILE") if k in os.environ}
    with mock.patch.dict(os.environ, {**_DUMMY_ENVIRONMENT, **hidden}):
        for key in hidden:
            os.environ.pop(key)
        reset_services()
        with mock_aws():
            bundle = services()
            provision(
                bundle.settings,
                clients={name: bundle.client(name) for name in ("dynamodb", "s3", "ses")},
                directory=directory or default_directory(),
                directory_store=bundle.directory_store,
            )
            try:
                yield bundle
            finally:
                reset_services()

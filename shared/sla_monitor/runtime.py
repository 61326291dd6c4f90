"""The collaborators a Lambda function or CLI command works with, built once from settings."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from sla_monitor import aws
from sla_monitor.calendar import WorkingDayCalendar
from sla_monitor.settings import reset_settings_cache, resource_settings

if TYPE_CHECKING:
    from sla_monitor.council import Council
    from sla_monitor.directory import Directory
    from sla_monitor.policy import Policy
    from sla_monitor.settings.pieces import ResourceSettings

    # pynamodb and botocore are imported with the first table a function uses, not at import.
    from sla_monitor.store.dynamodb import DynamoDBCaseStore, DynamoDBDirectoryStore

T = TypeVar("T")

# How long a warm container may go on using the directory and the stored closure days it read.
# Administrators change them at any time; a function keeps its services between invocations, so
# it reads them again once its copy is older than this (a read is one small query).
STAFF_DATA_MAX_AGE = 300.0  # seconds


class _ReadAgainAfter(Generic[T]):
    """A value read when first asked for, and again when asked for once it is older than
    `max_age` seconds. `now` comes from a monotonic clock, never from the simulated time the
    demo and `--now` pass to use cases (that can stand still or jump back)."""

    def __init__(self, read: Callable[[], T], *, max_age: float) -> None:
        self._read = read
        self._max_age = max_age
        self._value: T | None = None
        self._read_at = 0.0

    def get(self, now: float) -> T:
        if self._value is None or now - self._read_at >= self._max_age:
            self._value = self._read()
            self._read_at = now
        return self._value

    def forget(self) -> None:
        self._value = None


def _council() -> Council:
    # The settings models (pydantic) are built with the first services, not at import.
    from sla_monitor.council import load_council

    return load_council()


def _policy() -> Policy:
    # Looked up when made, not bound at import, so a test can deploy another policy.
    from sla_monitor.policy import load_policy

    return load_policy()


@dataclass
class Services:
    settings: ResourceSettings
    council: Council = field(default_factory=_council)
    policy: Policy = field(default_factory=_policy)
    # Seconds, only ever compared with itself; tests hand in one they move on by hand.
    clock: Callable[[], float] = time.monotonic

    @cached_property
    def _calendar(self) -> _ReadAgainAfter[WorkingDayCalendar]:
        return _ReadAgainAfter(
            lambda: self.council.calendar(c.day for c in self.directory_store.closure_days()),
            max_age=STAFF_DATA_MAX_AGE,
        )

    @property
    def calendar(self) -> WorkingDayCalendar:
        """Working days: bank holidays, the closure days in council.yaml and those stored since
        (read on first use, never at import, and again once older than STAFF_DATA_MAX_AGE)."""
        return self._calendar.get(self.clock())

    @cached_property
    def store(self) -> DynamoDBCaseStore:
        from sla_monitor.store.dynamodb import DynamoDBCaseStore

        return DynamoDBCaseStore(
            self.settings.cases_table,
            region=self.settings.aws_region,
            host=self.settings.aws_endpoint_url,
            reference_prefix=self.council.reference_prefix,
            retention_days=self.council.retention_days,
            shards=self.settings.index_shards,
        )

    @cached_property
    def directory_store(self) -> DynamoDBDirectoryStore:
        from sla_monitor.store.dynamodb import DynamoDBDirectoryStore

        return DynamoDBDirectoryStore(
            self.settings.directory_table,
            region=self.settings.aws_region,
            host=self.settings.aws_endpoint_url,
        )

    @cached_property
    def _directory(self) -> _ReadAgainAfter[Directory]:
        return _ReadAgainAfter(self.directory_store.load_directory, max_age=STAFF_DATA_MAX_AGE)

    @property
    def directory(self) -> Directory:
        """The directory as read at most STAFF_DATA_MAX_AGE ago (the sweep reads its own, fresh
        each time it has work)."""
        return self._directory.get(self.clock())

    def forget_staff_data(self) -> None:
        """Read the directory and closure days again on next use (this process changed them)."""
        self._calendar.forget()
        self._directory.forget()

    def client(self, service: str, *, attempts: int = aws.RETRIED) -> Any:
        return aws.client(
            service, self.settings.aws_region, self.settings.aws_endpoint_url, attempts=attempts
        )


@lru_cache(maxsize=1)
def services() -> Services:
    """The services of this process (a Lambda container keeps them between invocations)."""
    return Services(settings=resource_settings())


def reset_services() -> None:
    """Forget every cached client, model and setting (the environment or the mock changed)."""
    from sla_monitor.store.dynamodb import forget_bound_models

    services.cache_clear()
    reset_settings_cache()
    aws.forget_clients()
    forget_bound_models()

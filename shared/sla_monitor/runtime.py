"""The collaborators a Lambda function or CLI command works with, built once from settings."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from typing import Any

from sla_monitor import aws
from sla_monitor.calendar import WorkingDayCalendar
from sla_monitor.council import Council, load_council
from sla_monitor.directory import Directory
from sla_monitor.policy import Policy, load_policy
from sla_monitor.settings import ResourceSettings, reset_settings_cache, resource_settings
from sla_monitor.store.dynamodb import (
    DynamoDBCaseStore,
    DynamoDBDirectoryStore,
    forget_bound_models,
)


@dataclass
class Services:
    settings: ResourceSettings
    council: Council = field(default_factory=load_council)
    policy: Policy = field(default_factory=load_policy)

    @cached_property
    def calendar(self) -> WorkingDayCalendar:
        return self.council.calendar()

    @cached_property
    def store(self) -> DynamoDBCaseStore:
        return DynamoDBCaseStore(
            self.settings.cases_table,
            region=self.settings.region,
            host=self.settings.endpoint_url,
            reference_prefix=self.council.reference_prefix,
            retention_days=self.council.retention_days,
        )

    @cached_property
    def directory_store(self) -> DynamoDBDirectoryStore:
        return DynamoDBDirectoryStore(
            self.settings.directory_table,
            region=self.settings.region,
            host=self.settings.endpoint_url,
        )

    @cached_property
    def directory(self) -> Directory:
        return self.directory_store.load_directory()

    def client(self, service: str) -> Any:
        return aws.client(service, self.settings.region, self.settings.endpoint_url)


@lru_cache(maxsize=1)
def services() -> Services:
    """The services of this process (a Lambda container keeps them between invocations)."""
    return Services(settings=resource_settings())


def reset_services() -> None:
    """Forget every cached client, model and setting (the environment or the mock changed)."""
    services.cache_clear()
    reset_settings_cache()
    aws.forget_clients()
    forget_bound_models()

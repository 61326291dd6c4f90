"""Where the product's resources are, read from the environment when first needed.

Nothing reads the environment at import time. Lambda functions get these variables from
`template.yaml`; the CLI sets them for embedded and local runs.
"""

from __future__ import annotations

import os
from functools import lru_cache

from pydantic import BaseModel, Field

from sla_monitor.store.schema import DUE_SHARDS


class ResourceSettings(BaseModel):
    cases_table: str = Field(default="sla-monitor-cases")
    directory_table: str = Field(default="sla-monitor-directory")
    raw_mail_bucket: str = Field(default="sla-monitor-raw-mail")
    sender_address: str = Field(default="customer.services@nwleicestershire.gov.uk")
    region: str = Field(default="eu-west-2")
    endpoint_url: str | None = None
    ses_configuration_set: str | None = None
    # The next-due and open-cases indexes' shards (template.yaml's IndexShards): a scheduled
    # sweep runs once per shard, all at once. Only ever raised.
    index_shards: int = Field(default=DUE_SHARDS, ge=1)

    @classmethod
    def from_environment(cls) -> ResourceSettings:
        env = os.environ
        values = {
            "cases_table": env.get("CASES_TABLE"),
            "directory_table": env.get("DIRECTORY_TABLE"),
            "raw_mail_bucket": env.get("RAW_MAIL_BUCKET"),
            "sender_address": env.get("SENDER_ADDRESS"),
            "region": env.get("AWS_REGION") or env.get("AWS_DEFAULT_REGION"),
            "endpoint_url": env.get("AWS_ENDPOINT_URL") or None,
            "ses_configuration_set": env.get("SES_CONFIGURATION_SET") or None,
            "index_shards": env.get("INDEX_SHARDS") or None,
        }
        # pydantic validates and converts each value (INDEX_SHARDS is text in the environment).
        return cls.model_validate({k: v for k, v in values.items() if v is not None})


@lru_cache(maxsize=1)
def resource_settings() -> ResourceSettings:
    return ResourceSettings.from_environment()


def reset_settings_cache() -> None:
    """Forget settings read earlier (tests and the CLI change the environment)."""
    resource_settings.cache_clear()

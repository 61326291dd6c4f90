"""boto3 clients, made when first needed, for real AWS or a local endpoint.

boto3 itself honours `AWS_ENDPOINT_URL`; the settings carry it too so that pynamodb, which makes
its own connections, talks to the same place.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

# Tries of one call, the first and botocore's retries ("standard" mode: throttling and brief
# outages, with back-off).
RETRIED = 6


@lru_cache(maxsize=32)
def client(
    service: str, region: str, endpoint_url: str | None = None, *, attempts: int = RETRIED
) -> Any:
    """A client of `service`. `attempts=1` turns botocore's retries off, for a caller that
    retries itself (the deadline checker's sends, which watch the time their sweep has left):
    one retry layer, never one inside another."""
    # boto3 is imported with the first client, not with the module: a function's cold start
    # does not pay for it before it needs AWS (and some requests never do).
    import boto3
    from botocore.config import Config

    make_client: Any = boto3.client  # one factory for every service name
    config = Config(retries={"total_max_attempts": attempts, "mode": "standard"})
    return make_client(service, region_name=region, endpoint_url=endpoint_url, config=config)


def forget_clients() -> None:
    """Drop cached clients (they belong to an AWS mock or endpoint that has gone)."""
    client.cache_clear()

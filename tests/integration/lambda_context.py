"""A Lambda context for invoking a handler in-process: what Powertools and the handlers read."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class FakeLambdaContext:
    function_name: str = "sla-monitor-Function"
    function_version: str = "$LATEST"
    memory_limit_in_mb: int = 512
    aws_request_id: str = "52fdfc07-2182-454f-963f-5f0f9a621d72"
    log_stream_name: str = "2026/03/03/[$LATEST]abcdef"
    remaining_millis: int = 30_000

    @property
    def invoked_function_arn(self) -> str:
        return f"arn:aws:lambda:eu-west-2:123456789012:function:{self.function_name}"

    @property
    def log_group_name(self) -> str:
        return f"/aws/lambda/{self.function_name}"

    def get_remaining_time_in_millis(self) -> int:
        return self.remaining_millis


def lambda_context(function: str, *, remaining_millis: int = 30_000) -> FakeLambdaContext:
    """The context of the deployed function named `function` (its logical id in the template)."""
    return FakeLambdaContext(
        function_name=f"sla-monitor-{function}", remaining_millis=remaining_millis
    )

"""What the staff workspace's HTTP tests share: the local stack's sample cases, a case's timeline
length (a refused request must not change it), and the steps and samples the matrices run over."""

from __future__ import annotations

from sla_monitor_local.local_stack import LocalStack

SAMPLES = ("bins", "garden", "bulky", "damp", "repairs", "council-tax")
STEPS = (
    "assign",
    "pause",
    "resume",
    "extend",
    "note",
    "respond",
    "reply",
    "reclassify",
    "refuse",
    "stage-2",
    "acknowledged",
)


def sample_cases(stack: LocalStack) -> dict[str, str]:
    """The local stack's sample cases by name ("bins", "damp", ...): their references."""
    assert stack.sample_cases is not None
    return stack.sample_cases


def timeline_length(stack: LocalStack, reference: str) -> int:
    return len(stack.services.store.timeline(reference))

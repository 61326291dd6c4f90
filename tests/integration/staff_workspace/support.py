"""What the staff workspace's HTTP tests share: the local stack's sample cases, a case's timeline
length (a refused request must not change it), and the steps and samples the matrices run over."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime

from sla_monitor_local.local_stack import LocalStack

from sla_monitor.cases import CaseType, Channel, Customer
from sla_monitor.intake import NewCase, register_case

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


def unassigned_case(
    stack: LocalStack, department: str, case_type: CaseType, subject: str = "Bin left out"
) -> str:
    """A new case of the department's that nobody is assigned yet."""
    services = stack.services
    now = datetime.now(UTC)
    return register_case(
        NewCase(
            case_type=case_type,
            channel=Channel.EMAIL,
            received_at=now,
            subject=subject,
            description=subject,
            customer=Customer(name="Lena Ward", email="lena.ward@example.org"),
            department=department,
            idempotency_key=f"unassigned:{secrets.token_hex(8)}",
        ),
        store=services.store,
        policy=services.policy,
        calendar=services.calendar,
        now=now,
    ).case.reference

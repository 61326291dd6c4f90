"""The local stack each staff workspace module runs against, and a browser signed in for each
role."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from sla_monitor_local.local_stack import LocalStack, local_stack
from sla_monitor_local.seeded_stacks import SeededStacks

from ..staff_support import EMAILS, Browser


@pytest.fixture(scope="module")
def stack(seeded_stacks: SeededStacks) -> Iterator[LocalStack]:
    with local_stack(
        aws_port=0, web_port=0, now=datetime.now(UTC), seeded_stacks=seeded_stacks
    ) as running:
        yield running


@pytest.fixture(scope="module")
def browsers(stack: LocalStack) -> dict[str, Browser]:
    signed_in = {}
    for role, email in EMAILS.items():
        browser = Browser(stack.workspace)
        answer = browser.sign_in(email)
        assert answer.status == 303, (role, answer.status, answer.body[:500])
        signed_in[role] = browser
    return signed_in

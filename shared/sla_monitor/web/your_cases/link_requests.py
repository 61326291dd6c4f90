"""A resident's request for a sign-in link, answered at once and dealt with apart.

Whether an address has cases must not show in how long the page takes: looking the address up,
counting it against the limits, keeping a link and sending it take tens of milliseconds more for
a known address than for an unknown one. So the page only checks the form and says "check your
email"; the rest happens after the answer, as a `LinkRequest`.

In AWS the residents' function invokes itself asynchronously (`InvocationType="Event"`) with the
request as an internal event, and answers at once. An SQS queue would do the same with one more
resource to deploy, watch and encrypt, for a request that is worth nothing once its twenty
minutes have passed: Lambda's own queue for asynchronous invocations keeps it for as long as it
is of use (template.yaml's EventInvokeConfig), and only a principal allowed
`lambda:InvokeFunction` on the function can make such an event, never a browser (API Gateway
sends proxy events only).

On a person's computer and in the tests there is no Lambda to invoke: the request waits in this
process until the answer is made, and is dealt with then (`AfterTheAnswer`).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any, Protocol

# The internal event's one key: an API Gateway event never has it.
EVENT_KEY = "sign_in_link_request"
MAX_ADDRESS = 254
_PUBLIC_URL = re.compile(r"https?://[^\s\"'<>]{1,300}")


@dataclass(frozen=True)
class LinkRequest:
    """What the page was asked: the address, the computer that asked (for its limit), the case
    to return to, and where the pages are (for the link in the email)."""

    address: str
    source: str | None = None
    return_to: str | None = None
    public_url: str | None = None

    def as_event(self) -> dict[str, Any]:
        return {
            EVENT_KEY: {
                "address": self.address,
                "source": self.source,
                "return_to": self.return_to,
                "public_url": self.public_url,
            }
        }

    @classmethod
    def from_event(cls, event: Any) -> LinkRequest | None:
        """The request an internal event carries; None for any other event. Checked as if it
        came from outside: only the function itself should make one, but nothing is assumed."""
        if not isinstance(event, dict) or not isinstance(event.get(EVENT_KEY), dict):
            return None
        from sla_monitor.residents import is_reference  # with the request, not the import

        fields = event[EVENT_KEY]
        address = fields.get("address")
        if not isinstance(address, str) or not 3 <= len(address) <= MAX_ADDRESS:
            return None
        source = fields.get("source")
        return_to = fields.get("return_to")
        public_url = fields.get("public_url")
        return cls(
            address=address,
            source=source[:64] if isinstance(source, str) and source else None,
            return_to=return_to if is_reference(return_to) else None,
            public_url=(
                public_url
                if isinstance(public_url, str) and _PUBLIC_URL.fullmatch(public_url)
                else None
            ),
        )


class LinkRequests(Protocol):
    """Where a request for a sign-in link goes to be dealt with after the answer."""

    def ask(self, request: LinkRequest) -> None: ...


class InvokedApart:
    """The residents' function invoked again, asynchronously, with the request: the page does
    not wait for it. `function` is the ARN this invocation was made through, so the request
    runs in the same version of the code."""

    def __init__(self, client: Any, function: str) -> None:
        self.client = client
        self.function = function

    def ask(self, request: LinkRequest) -> None:
        self.client.invoke(
            FunctionName=self.function,
            InvocationType="Event",
            Payload=json.dumps(request.as_event()).encode(),
        )


@dataclass
class AfterTheAnswer:
    """No Lambda to invoke: requests wait here until the answer is made, then are taken."""

    waiting: list[LinkRequest] = field(default_factory=list)

    def ask(self, request: LinkRequest) -> None:
        self.waiting.append(request)

    def take(self) -> list[LinkRequest]:
        taken, self.waiting = self.waiting, []
        return taken

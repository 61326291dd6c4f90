"""Sending mail: the port the deadline checker sends through, its SES adapter, and a fake.

The checker builds the whole MIME message itself (headers, text and HTML parts) and hands the
bytes to a `Mailer`, so what goes out is exactly what the tests read back. SES replaces the
Message-ID header with its own (`<ses-id@region.amazonses.com>`), so a sent message is
remembered by every id a reply or a delivery event may carry: ours, SES's header id, and the
bare SES message id that bounce notifications quote.
"""

from __future__ import annotations

import email
import email.policy
import itertools
import threading
from collections.abc import Callable
from dataclasses import dataclass
from email.message import EmailMessage
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from botocore.exceptions import ClientError


class SendError(Exception):
    """A message could not be sent."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class TransientSendError(SendError):
    """Worth trying again shortly: throttling, a timeout, the service briefly unavailable."""


class PermanentSendError(SendError):
    """This message will never go, however often it is tried (a rejected or invalid address)."""


class SendingUnavailableError(SendError):
    """Nothing can be sent at the moment (the account or configuration set is paused, the
    sender is not verified): stop sending and try everything again at the next sweep."""


@dataclass(frozen=True)
class OutboundEmail:
    sender: str
    recipients: tuple[str, ...]
    message_id: str  # the Message-ID header we set, without angle brackets
    raw: bytes

    def parsed(self) -> EmailMessage:
        message = email.message_from_bytes(self.raw, policy=email.policy.default)
        assert isinstance(message, EmailMessage)
        return message


@dataclass(frozen=True)
class SentEmail:
    provider_id: str  # the id the provider gave the message (SES MessageId)
    # Every id the message can be found by later, without angle brackets.
    message_ids: tuple[str, ...]


class Mailer(Protocol):
    def send(self, outbound: OutboundEmail) -> SentEmail:
        """Send one message. Raises TransientSendError, PermanentSendError or
        SendingUnavailableError."""
        ...

    def message_ids(self, provider_id: str) -> tuple[str, ...]:
        """The ids a message the provider accepted as `provider_id` can be found by."""
        ...


# SES error codes by what they mean for the message at hand.
_TRANSIENT = frozenset(
    {
        "Throttling",
        "ThrottlingException",
        "TooManyRequestsException",
        "ServiceUnavailable",
        "ServiceUnavailableException",
        "InternalFailure",
        "InternalServiceError",
        "RequestTimeout",
        "RequestTimeoutException",
    }
)
_UNAVAILABLE = frozenset(
    {
        "AccountSendingPausedException",
        "ConfigurationSetSendingPausedException",
        "ConfigurationSetDoesNotExist",
        "ConfigurationSetDoesNotExistException",
        "MailFromDomainNotVerifiedException",
        "AccessDenied",
        "AccessDeniedException",
    }
)


def classify_ses_error(error: ClientError) -> SendError:
    code = str(error.response.get("Error", {}).get("Code", ""))
    if code in _TRANSIENT:
        return TransientSendError(code)
    if code in _UNAVAILABLE:
        return SendingUnavailableError(code)
    # MessageRejected, InvalidParameterValue and the rest are about this message.
    return PermanentSendError(code or "unknown")


class SESMailer:
    """Sends raw MIME through SES (v1 SendRawEmail, which moto records for the tests)."""

    def __init__(self, client: Any, *, region: str, configuration_set: str | None = None) -> None:
        self.client = client
        self.configuration_set = configuration_set
        # us-east-1 stamps ids with the bare `email.amazonses.com`; other regions name themselves.
        self.header_domain = (
            "email.amazonses.com" if region == "us-east-1" else f"{region}.amazonses.com"
        )

    def send(self, outbound: OutboundEmail) -> SentEmail:
        # botocore (and urllib3 under it) loads with the first message sent, not with the port.
        from botocore.exceptions import BotoCoreError, ClientError

        arguments: dict[str, Any] = {
            "Source": outbound.sender,
            "Destinations": list(outbound.recipients),
            "RawMessage": {"Data": outbound.raw},
        }
        if self.configuration_set:
            # Bounces and complaints come back through the configuration set's SNS topic.
            arguments["ConfigurationSetName"] = self.configuration_set
        try:
            response = self.client.send_raw_email(**arguments)
        except ClientError as error:
            raise classify_ses_error(error) from error
        except BotoCoreError as error:
            raise TransientSendError(type(error).__name__) from error
        provider_id = str(response["MessageId"])
        return SentEmail(provider_id, (outbound.message_id, *self.message_ids(provider_id)))

    def message_ids(self, provider_id: str) -> tuple[str, ...]:
        return (provider_id, f"{provider_id}@{self.header_domain}")


class InMemoryMailer:
    """Keeps what it is asked to send, for unit tests; failures can be queued or targeted."""

    def __init__(self) -> None:
        self.sent: list[OutboundEmail] = []
        self.attempts = 0
        self._queued: list[SendError] = []
        self._by_address: dict[str, SendError] = {}
        self._hook: Callable[[OutboundEmail], None] | None = None
        self._ids = itertools.count(1)
        self._lock = threading.Lock()

    def fail_next(self, *errors: SendError) -> None:
        """The next sends raise these, in order."""
        self._queued.extend(errors)

    def fail_for(self, address: str, error: SendError) -> None:
        """Every send to `address` raises `error`."""
        self._by_address[address.lower()] = error

    def before_send(self, hook: Callable[[OutboundEmail], None] | None) -> None:
        """Call `hook` before each send (tests use it to crash or race at that point)."""
        self._hook = hook

    def send(self, outbound: OutboundEmail) -> SentEmail:
        if self._hook is not None:
            self._hook(outbound)
        with self._lock:
            self.attempts += 1
            if self._queued:
                raise self._queued.pop(0)
            for recipient in outbound.recipients:
                if recipient.lower() in self._by_address:
                    raise self._by_address[recipient.lower()]
            provider_id = f"fake-{next(self._ids):06d}"
            self.sent.append(outbound)
        return SentEmail(provider_id, (outbound.message_id, *self.message_ids(provider_id)))

    def message_ids(self, provider_id: str) -> tuple[str, ...]:
        return (provider_id,)

    def messages_to(self, address: str) -> list[EmailMessage]:
        wanted = address.lower()
        return [m.parsed() for m in self.sent if wanted in (r.lower() for r in m.recipients)]

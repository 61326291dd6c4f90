"""Signed tokens for the public form: CSRF protection, the answers on the check page, receipts.

CSRF uses a signed double-submit token: the same random value, signed with the council's secret,
goes in a cookie and in a hidden field. A post is accepted only when both arrive, match, carry our
signature and are fresh. Another site cannot read the cookie to copy it into its own form, and
cannot make a valid token without the secret. Every token names its purpose, so a token made for
one purpose is never accepted for another.
"""

from __future__ import annotations

import base64
import binascii
import functools
import hashlib
import hmac
import secrets
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from sla_monitor.calendar import require_aware

if TYPE_CHECKING:
    from sla_monitor.settings.pieces import SecretSettings

CSRF_COOKIE = "have_your_say_csrf"
CSRF_FIELD = "csrf_token"
CSRF_MAX_AGE = timedelta(hours=8)
# A token older than this is replaced when the form is shown again, so it cannot expire while
# the person is still typing.
CSRF_RENEW_AFTER = timedelta(hours=1)

# Lambda functions behind one API may read slightly different clocks.
CLOCK_SKEW = timedelta(minutes=5)

# A Secrets Manager secret (its ARN or name) or an SSM SecureString parameter (a "/" path).
SECRET_PARAMETER_VARIABLE = "FORM_SECRET_PARAMETER"  # noqa: S105
MIN_SECRET_LENGTH = 32


class BadToken(Exception):
    """A token that is malformed, not ours, for another purpose, or too old."""


class MissingSecret(RuntimeError):
    """The function runs in AWS without the secret that signs its forms."""


def _encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class FormSigner:
    """Signs short values with HMAC-SHA256 and the time they were issued.

    While a rotated secret takes over, what the `previous` secret signed is still accepted
    (Secrets Manager keeps it as AWSPREVIOUS): a form opened, or a session started, before the
    rotation still works; only the current secret signs."""

    def __init__(
        self,
        secret: bytes,
        *,
        previous: Sequence[bytes] = (),
        read_previous: Callable[[], bytes | None] | None = None,
    ) -> None:
        """`read_previous`, when given, reads the previous secret the first time a signature
        does not match the current one (a read of the secret store that most requests, and a
        cold start's first, never need); it is read once for this signer."""
        if any(len(key) < 16 for key in (secret, *previous)):
            raise ValueError("the signing secret is too short")
        self._secret = secret
        self._accepted = (secret, *(key for key in previous if key != secret))
        self._read_previous = read_previous

    @staticmethod
    def _mac(key: bytes, purpose: str, payload: str, issued: str) -> str:
        message = "\x00".join((purpose, payload, issued)).encode("utf-8")
        return _encode(hmac.new(key, message, hashlib.sha256).digest())

    def sign(self, purpose: str, value: str, *, issued_at: datetime) -> str:
        payload = _encode(value.encode("utf-8"))
        issued = str(int(require_aware(issued_at).timestamp()))
        return f"{payload}.{issued}.{self._mac(self._secret, purpose, payload, issued)}"

    def _signed_by(
        self, keys: Sequence[bytes], mac: str, purpose: str, payload: str, issued: str
    ) -> bool:
        return any(
            hmac.compare_digest(mac, self._mac(key, purpose, payload, issued)) for key in keys
        )

    def _previous(self) -> tuple[bytes, ...]:
        """The previous secret, read now if it is still to be read (then kept as accepted)."""
        read, self._read_previous = self._read_previous, None
        if read is None:
            return ()
        key = read()
        if not key or len(key) < 16 or key in self._accepted:
            return ()
        self._accepted = (*self._accepted, key)
        return (key,)

    def unsign(
        self, purpose: str, token: str, *, now: datetime, max_age: timedelta | None
    ) -> tuple[str, datetime]:
        """The signed value and when it was issued; `BadToken` when it cannot be trusted."""
        parts = token.split(".")
        if len(parts) != 3:
            raise BadToken("malformed")
        payload, issued, mac = parts
        if not self._signed_by(self._accepted, mac, purpose, payload, issued) and not (
            self._signed_by(self._previous(), mac, purpose, payload, issued)
        ):
            raise BadToken("signature does not match")
        try:
            issued_at = datetime.fromtimestamp(int(issued), tz=require_aware(now).tzinfo)
            value = _decode(payload).decode("utf-8")
        except (ValueError, OverflowError, binascii.Error) as error:
            raise BadToken("malformed") from error
        age = now - issued_at
        if max_age is not None and not -CLOCK_SKEW <= age <= max_age:
            raise BadToken("expired")
        return value, issued_at


# -- CSRF ------------------------------------------------------------------------------------


def csrf_token_for(signer: FormSigner, cookie_token: str | None, *, now: datetime) -> str:
    """The token to put in a form and its cookie: the browser's own while it is fresh (so two
    tabs of the form both work), otherwise a new one."""
    if cookie_token:
        try:
            _, issued_at = signer.unsign("csrf", cookie_token, now=now, max_age=CSRF_MAX_AGE)
        except BadToken:
            pass
        else:
            if now - issued_at < CSRF_RENEW_AFTER:
                return cookie_token
    return signer.sign("csrf", secrets.token_urlsafe(32), issued_at=now)


def csrf_token_is_valid(
    signer: FormSigner, form_token: str | None, cookie_token: str | None, *, now: datetime
) -> bool:
    if not form_token or not cookie_token:
        return False
    if not hmac.compare_digest(form_token.encode(), cookie_token.encode()):
        return False
    try:
        signer.unsign("csrf", form_token, now=now, max_age=CSRF_MAX_AGE)
    except BadToken:
        return False
    return True


# -- the secret ------------------------------------------------------------------------------


@functools.cache
def local_development_secret() -> bytes:
    """A person's own computer's secret: random, made once per process (each run of the local
    stack, the demo or the tests), so no published value signs anyone's forms or sessions."""
    return secrets.token_urlsafe(48).encode("ascii")


def resolve_secret(source: SecretSettings, fetch_parameter: Callable[[str], str]) -> bytes:
    """The secret: a stored secret (deployed), a variable, or this run's own random one."""
    if source.form_secret_parameter:
        secret = fetch_parameter(source.form_secret_parameter)
    elif source.form_secret:
        secret = source.form_secret
    elif source.running_in_aws:
        raise MissingSecret(
            f"set {SECRET_PARAMETER_VARIABLE} to the secret that signs the form's tokens"
        )
    else:
        return local_development_secret()
    if len(secret) < MIN_SECRET_LENGTH:
        raise MissingSecret(f"the form secret must be {MIN_SECRET_LENGTH} characters or more")
    return secret.encode("utf-8")


def previous_secret(
    source: SecretSettings, fetch_previous: Callable[[str], str | None]
) -> bytes | None:
    """The stored secret's version before the last rotation, while it is kept; None when there
    is none (never rotated, a secret given as a variable, or a person's own computer)."""
    if not source.form_secret_parameter:
        return None
    secret = fetch_previous(source.form_secret_parameter)
    if not secret or len(secret) < MIN_SECRET_LENGTH:
        return None
    return secret.encode("utf-8")

"""What one mailbox, or one computer, may ask of the council in an hour, counted the same way
by every limit: new cases by email and through the Have Your Say form
(`intake.over_arrival_limits`), and sign-in links to "Your cases"
(`residents.request_sign_in_link`).

An address is counted by its mailbox, not by the way it is written: one person writing as
`Name+1@example.com`, `name+2@example.com`, or (at Gmail, which ignores dots and answers to
googlemail.com too) `n.a.m.e@googlemail.com`, is one mailbox with one limit. Only the counter's
key changes: mail still goes to the address as written, and cases keep it as written. A counter
holds a digest, never the address.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta

from sla_monitor.store.ports import ArrivalCounters

# Providers that deliver `n.a.m.e@` to `name@`, each under the domain its mail arrives at.
_DOTS_IGNORED = {"gmail.com": "gmail.com", "googlemail.com": "gmail.com"}
# A counter lives its hour and a day more, then expires.
_KEPT_FOR = timedelta(hours=25)


def mailbox(address: str) -> str:
    """The mailbox an address delivers to, as the limits count it: lower case, without a
    `+tag` (sub-addressing), and without dots where the provider ignores them."""
    text = address.strip().lower()
    local, at, domain = text.rpartition("@")
    if not at or not local:
        return text
    local = local.split("+", 1)[0] or local
    if domain in _DOTS_IGNORED:
        local = local.replace(".", "") or local
        domain = _DOTS_IGNORED[domain]
    return f"{local}@{domain}"


def count_this_hour(counter: str, value: str, *, at: datetime, store: ArrivalCounters) -> int:
    """Count one more for `value` (a mailbox, an IP address) on `counter` in `at`'s hour; the
    hour's count so far, this one included."""
    hour = at.astimezone(UTC).replace(minute=0, second=0, microsecond=0)
    digest = hashlib.sha256(value.strip().lower().encode("utf-8")).hexdigest()[:32]
    return store.count_arrival(
        f"{counter}#{digest}", hour=hour.strftime("%Y-%m-%dT%H"), expires_at=hour + _KEPT_FOR
    )

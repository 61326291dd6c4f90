"""The hourly limits count a mailbox, however its address is written: a `+tag`, capitals, and
Gmail's ignored dots make no new person (each limit's own tests: test_residents.py for sign-in
links, test_trust.py for email, test_have_your_say_limits.py for the form)."""

from __future__ import annotations

import pytest

from sla_monitor.hourly_limits import mailbox


@pytest.mark.parametrize(
    ("written", "counted"),
    [
        ("Sam@Example.org", "sam@example.org"),
        (" sam+1@example.org ", "sam@example.org"),
        ("sam+council+2@example.org", "sam@example.org"),
        ("s.a.m@example.org", "s.a.m@example.org"),  # dots matter to most providers
        ("S.a.M+bins@gmail.com", "sam@gmail.com"),
        ("s.am@googlemail.com", "sam@gmail.com"),
        ("+only-a-tag@example.org", "+only-a-tag@example.org"),
        ("not an address", "not an address"),
    ],
)
def test_an_address_is_counted_by_its_mailbox(written, counted):
    assert mailbox(written) == counted

"""Signed tokens: CSRF, the answers on the check page, receipts; and where the secret comes from."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import datetime, timedelta

import pytest

from sla_monitor.calendar import LONDON
from sla_monitor.settings.pieces import SecretSettings
from sla_monitor.web.security import (
    CSRF_MAX_AGE,
    CSRF_RENEW_AFTER,
    BadToken,
    FormSigner,
    MissingSecret,
    csrf_token_for,
    csrf_token_is_valid,
    previous_secret,
    resolve_secret,
)

NOW = datetime(2026, 11, 23, 10, 0, tzinfo=LONDON)
SIGNER = FormSigner(b"a test secret that is long enough!")
OTHER = FormSigner(b"somebody else's secret, also long!")


def test_a_signed_value_comes_back_with_when_it_was_issued():
    token = SIGNER.sign("receipt", "NWL-2026-000001", issued_at=NOW)
    value, issued_at = SIGNER.unsign("receipt", token, now=NOW + timedelta(hours=1), max_age=None)
    assert value == "NWL-2026-000001"
    assert issued_at == NOW


@pytest.mark.parametrize(
    "spoil",
    [
        lambda t: "QQ" + t,  # a different value
        lambda t: t[:-2] + ("AA" if not t.endswith("AA") else "BB"),  # a different signature
        lambda t: t.replace(".", ";"),
        lambda t: "",
        lambda t: OTHER.sign("receipt", "NWL-2026-000001", issued_at=NOW),
        lambda t: SIGNER.sign("answers", "NWL-2026-000001", issued_at=NOW),
    ],
)
def test_a_token_that_is_altered_forged_or_for_another_purpose_is_refused(spoil):
    token = SIGNER.sign("receipt", "NWL-2026-000001", issued_at=NOW)
    with pytest.raises(BadToken):
        SIGNER.unsign("receipt", spoil(token), now=NOW, max_age=None)


def test_a_token_past_its_age_or_from_the_future_is_refused():
    token = SIGNER.sign("csrf", "x", issued_at=NOW)
    SIGNER.unsign("csrf", token, now=NOW + timedelta(hours=2), max_age=timedelta(hours=2))
    with pytest.raises(BadToken):
        SIGNER.unsign(
            "csrf", token, now=NOW + timedelta(hours=2, seconds=1), max_age=timedelta(hours=2)
        )
    with pytest.raises(BadToken):
        SIGNER.unsign("csrf", token, now=NOW - timedelta(hours=1), max_age=timedelta(hours=2))


def test_the_form_and_its_cookie_must_carry_the_same_fresh_token_of_ours():
    token = csrf_token_for(SIGNER, None, now=NOW)

    assert csrf_token_is_valid(SIGNER, token, token, now=NOW)
    assert not csrf_token_is_valid(SIGNER, token, None, now=NOW)
    assert not csrf_token_is_valid(SIGNER, None, token, now=NOW)
    other = csrf_token_for(SIGNER, None, now=NOW)
    assert not csrf_token_is_valid(SIGNER, token, other, now=NOW)
    forged = csrf_token_for(OTHER, None, now=NOW)
    assert not csrf_token_is_valid(SIGNER, forged, forged, now=NOW)
    later = NOW + CSRF_MAX_AGE + timedelta(seconds=1)
    assert not csrf_token_is_valid(SIGNER, token, token, now=later)


def test_a_fresh_cookie_token_is_reused_so_two_tabs_of_the_form_both_work():
    token = csrf_token_for(SIGNER, None, now=NOW)
    assert csrf_token_for(SIGNER, token, now=NOW + timedelta(minutes=30)) == token
    renewed = csrf_token_for(SIGNER, token, now=NOW + CSRF_RENEW_AFTER)
    assert renewed != token
    assert csrf_token_for(SIGNER, "not-a-token", now=NOW) != "not-a-token"


def _source(**given: str) -> SecretSettings:
    """The settings as given, whatever the environment running the tests holds."""
    unset = dict.fromkeys(("form_secret", "form_secret_parameter", "aws_lambda_function_name"))
    return SecretSettings(**{**unset, **given})


def test_a_deployed_function_reads_its_secret_from_a_parameter():
    asked: list[str] = []

    def fetch(name: str) -> str:
        asked.append(name)
        return "s" * 40

    source = _source(
        form_secret_parameter="/sla-monitor/have-your-say/secret",
        aws_lambda_function_name="have-your-say",
    )
    assert resolve_secret(source, fetch) == b"s" * 40
    assert asked == ["/sla-monitor/have-your-say/secret"]


def test_the_secret_s_variables_are_read_from_the_environment(monkeypatch):
    monkeypatch.setenv("FORM_SECRET_PARAMETER", "/sla-monitor/have-your-say/secret")
    monkeypatch.setenv("AWS_LAMBDA_FUNCTION_NAME", "have-your-say")
    monkeypatch.setenv("FORM_SECRET", "")  # empty is unset

    source = SecretSettings()

    assert source == _source(
        form_secret_parameter="/sla-monitor/have-your-say/secret",
        aws_lambda_function_name="have-your-say",
    )
    assert source.running_in_aws


def test_a_deployed_function_without_a_secret_refuses_to_sign_anything():
    source = _source(aws_lambda_function_name="have-your-say")
    with pytest.raises(MissingSecret):
        resolve_secret(source, lambda name: pytest.fail("no parameter to fetch"))


def test_a_short_secret_is_refused_and_a_local_run_keeps_its_own_secret():
    with pytest.raises(MissingSecret):
        resolve_secret(_source(form_secret="short"), lambda name: "")
    local = resolve_secret(_source(), lambda name: "")
    assert len(local) >= 32
    assert resolve_secret(_source(), lambda name: "") == local  # the same all through the run
    assert resolve_secret(_source(form_secret="v" * 32), lambda name: "") == b"v" * 32


# What every local stack signed with before each run made its own secret: it was published.
PUBLISHED = b"sla-monitor local development only, never deployed"


def test_a_token_signed_with_the_once_published_local_secret_is_refused():
    forged = FormSigner(PUBLISHED).sign("staff-session", "anyone", issued_at=NOW)
    local = FormSigner(resolve_secret(_source(), lambda name: ""))
    with pytest.raises(BadToken):
        local.unsign("staff-session", forged, now=NOW, max_age=None)


def test_each_local_run_makes_a_secret_of_its_own():
    program = "from sla_monitor.web.security import local_development_secret as s; print(s())"
    runs = {
        subprocess.run(
            [sys.executable, "-c", program],
            capture_output=True,
            text=True,
            check=True,
            env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)},
        ).stdout
        for _ in range(2)
    }
    assert len(runs) == 2


def test_during_a_rotation_the_previous_secret_is_accepted_and_only_the_current_signs():
    before = FormSigner(b"p" * 40)
    after = FormSigner(b"c" * 40, previous=[b"p" * 40])
    opened_before = before.sign("csrf", "token", issued_at=NOW)
    assert after.unsign("csrf", opened_before, now=NOW, max_age=None)[0] == "token"
    signed_after = after.sign("csrf", "token", issued_at=NOW)
    assert signed_after == FormSigner(b"c" * 40).sign("csrf", "token", issued_at=NOW)
    # Two rotations later the first secret is forgotten.
    later = FormSigner(b"n" * 40, previous=[b"c" * 40])
    with pytest.raises(BadToken):
        later.unsign("csrf", opened_before, now=NOW, max_age=None)


def test_the_previous_secret_is_read_only_when_a_signature_does_not_match_the_current():
    reads: list[str] = []

    def read_previous() -> bytes:
        reads.append("AWSPREVIOUS")
        return b"p" * 40

    signer = FormSigner(b"c" * 40, read_previous=read_previous)
    current = signer.sign("csrf", "token", issued_at=NOW)
    assert signer.unsign("csrf", current, now=NOW, max_age=None)[0] == "token"
    assert reads == []  # signing, and a token the current secret signed, never read it
    opened_before = FormSigner(b"p" * 40).sign("csrf", "opened before", issued_at=NOW)
    assert signer.unsign("csrf", opened_before, now=NOW, max_age=None)[0] == "opened before"
    assert signer.unsign("csrf", opened_before, now=NOW, max_age=None)[0] == "opened before"
    forged = FormSigner(b"f" * 40).sign("csrf", "forged", issued_at=NOW)
    with pytest.raises(BadToken):
        signer.unsign("csrf", forged, now=NOW, max_age=None)
    assert reads == ["AWSPREVIOUS"]  # once for this signer


def test_without_a_previous_secret_a_token_of_another_is_refused():
    signer = FormSigner(b"c" * 40, read_previous=lambda: None)
    forged = FormSigner(b"f" * 40).sign("csrf", "forged", issued_at=NOW)
    with pytest.raises(BadToken):
        signer.unsign("csrf", forged, now=NOW, max_age=None)


def test_the_previous_version_is_read_only_for_a_stored_secret():
    asked: list[str] = []

    def fetch_previous(name: str) -> str | None:
        asked.append(name)
        return "p" * 40

    stored = _source(form_secret_parameter="arn:secret", aws_lambda_function_name="x")
    assert previous_secret(stored, fetch_previous) == b"p" * 40
    assert previous_secret(_source(form_secret="v" * 32), fetch_previous) is None
    assert previous_secret(stored, lambda name: None) is None
    assert previous_secret(stored, lambda name: "short") is None
    assert asked == ["arn:secret"]

"""The secret that signs a function's pages, read through Powertools' parameters on moto: an SSM
SecureString parameter or a Secrets Manager secret, kept for SECRET_MAX_AGE seconds, and never
carried from one test's AWS into the next's."""

from __future__ import annotations

from datetime import datetime

from sla_monitor.calendar import LONDON
from sla_monitor.settings.pieces import SecretSettings
from sla_monitor.web.gateway import (
    SECRET_MAX_AGE,
    StoredSigner,
    _secrets,
    fetch_previous_secret,
    fetch_stored_secret,
)
from sla_monitor.web.security import FormSigner

NAME = "/sla-monitor/staff-workspace/secret"
NOW = datetime(2026, 3, 2, 10, 0, tzinfo=LONDON)


def test_an_ssm_parameter_is_decrypted_and_kept_for_its_max_age(embedded):
    ssm = embedded.client("ssm")
    ssm.put_parameter(Name=NAME, Value="p" * 40, Type="SecureString")

    assert fetch_stored_secret(NAME) == "p" * 40
    ssm.put_parameter(Name=NAME, Value="q" * 40, Type="SecureString", Overwrite=True)
    assert fetch_stored_secret(NAME) == "p" * 40  # the copy read, until it is SECRET_MAX_AGE old


def test_a_secrets_manager_secret_by_name_or_arn(embedded):
    secret = embedded.client("secretsmanager").create_secret(
        Name="have-your-say-form", SecretString="k" * 64
    )

    assert fetch_stored_secret("have-your-say-form") == "k" * 64
    assert fetch_stored_secret(secret["ARN"]) == "k" * 64


def test_a_new_aws_reads_its_own_secret_not_the_last_one_s(embedded):
    # The first test's parameter had another value under the same name; its cache went with it.
    embedded.client("ssm").put_parameter(Name=NAME, Value="r" * 40, Type="SecureString")

    assert fetch_stored_secret(NAME) == "r" * 40


def test_after_a_rotation_the_pages_sign_with_the_new_value_and_still_accept_the_old(embedded):
    secrets = embedded.client("secretsmanager")
    arn = secrets.create_secret(Name="your-cases-form", SecretString="o" * 64)["ARN"]
    assert fetch_previous_secret(arn) is None  # never rotated
    source = SecretSettings(form_secret_parameter=arn, aws_lambda_function_name="your-cases")
    now = [0.0]
    signer = StoredSigner(clock=lambda: now[0])
    opened = signer(source).sign("csrf", "a form opened before", issued_at=NOW)

    # A rotation's last step makes the new value current; the old one is kept as previous.
    secrets.put_secret_value(SecretId=arn, SecretString="n" * 64)
    assert fetch_previous_secret(arn) == "o" * 64
    # The pages' copies (the signer's and Powertools') are read again once they are too old.
    now[0] += SECRET_MAX_AGE + 1
    _secrets(embedded.client("secretsmanager")).clear_cache()
    after = signer(source)

    assert after.unsign("csrf", opened, now=NOW, max_age=None)[0] == "a form opened before"
    fresh = after.sign("csrf", "a form opened after", issued_at=NOW)
    assert fresh == FormSigner(b"n" * 64).sign("csrf", "a form opened after", issued_at=NOW)

"""The secret that signs a function's pages, read through Powertools' parameters on moto: an SSM
SecureString parameter or a Secrets Manager secret, kept for SECRET_MAX_AGE seconds, and never
carried from one test's AWS into the next's."""

from __future__ import annotations

from sla_monitor.web.gateway import fetch_stored_secret

NAME = "/sla-monitor/staff-workspace/secret"


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

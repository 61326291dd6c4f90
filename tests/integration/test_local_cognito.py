"""The local stack's staff user pool keeps the template's attribute rules: a member of staff signed
in cannot make themselves another officer by rewriting `custom:officer_id`; and each run's sample
password is its own."""

from __future__ import annotations

from pathlib import Path

import boto3
import pytest
from botocore.exceptions import ClientError
from moto import mock_aws
from samtranslator.yaml_helper import yaml_parse
from sla_monitor_local import emulator
from sla_monitor_local.local_staff import (
    READ_ATTRIBUTES,
    SAMPLE_USERS,
    WRITE_ATTRIBUTES,
    add_sample_users,
    create_staff_pool,
    local_password,
)

from sla_monitor.web.staff.permissions import StaffRole

TEMPLATE = Path(__file__).resolve().parents[2] / "template.yaml"
OFFICER = next(user for user in SAMPLE_USERS if user.role is StaffRole.OFFICER)


@pytest.fixture
def cognito():
    emulator.install()
    with mock_aws():
        yield boto3.client("cognito-idp", region_name="eu-west-2")


def _signed_in(cognito) -> tuple[str, str]:
    pool = create_staff_pool(cognito)
    add_sample_users(cognito, pool)
    tokens = cognito.initiate_auth(
        ClientId=pool.client_id,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": OFFICER.email, "PASSWORD": local_password()},
    )["AuthenticationResult"]
    return pool.user_pool_id, tokens["AccessToken"]


def _officer_id(cognito, pool_id: str) -> str:
    user = cognito.admin_get_user(UserPoolId=pool_id, Username=OFFICER.email)
    return {a["Name"]: a["Value"] for a in user["UserAttributes"]}["custom:officer_id"]


def test_a_signed_in_officer_cannot_rewrite_their_officer_id(cognito):
    pool_id, access_token = _signed_in(cognito)

    with pytest.raises(ClientError) as refused:
        cognito.update_user_attributes(
            AccessToken=access_token,
            UserAttributes=[{"Name": "custom:officer_id", "Value": "complaints-officer"}],
        )

    assert refused.value.response["Error"]["Code"] == "NotAuthorizedException"
    assert _officer_id(cognito, pool_id) == OFFICER.officer_id
    # Their own name they may change, as the template's client allows.
    cognito.update_user_attributes(
        AccessToken=access_token, UserAttributes=[{"Name": "name", "Value": "Jo Patel"}]
    )


def test_the_local_app_client_reads_and_writes_what_the_template_s_does(cognito):
    template = yaml_parse(TEMPLATE.read_text())["Resources"]["StaffUserPoolClient"]["Properties"]
    pool = create_staff_pool(cognito)
    client = cognito.describe_user_pool_client(
        UserPoolId=pool.user_pool_id, ClientId=pool.client_id
    )["UserPoolClient"]

    assert sorted(client["ReadAttributes"]) == sorted(template["ReadAttributes"])
    assert sorted(client["WriteAttributes"]) == sorted(template["WriteAttributes"])
    assert (
        tuple(template["ReadAttributes"]),
        tuple(template["WriteAttributes"]),
    ) == (READ_ATTRIBUTES, WRITE_ATTRIBUTES)

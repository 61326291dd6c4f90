"""Verifying Cognito's tokens, and the authorization code flow with PKCE.

Tokens are made here with a fresh RSA key standing in for the pool's; the verifier is given that
key's public half, as in production it is given the pool's published keys (JWKS)."""

from __future__ import annotations

import base64
import hashlib
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from sla_monitor.settings import SettingsError, read_settings
from sla_monitor.settings.pieces import CognitoSettings
from sla_monitor.web.staff.auth import (
    Authorization,
    BadToken,
    HostedSignIn,
    SignInFailed,
    TokenVerifier,
)

NOW = datetime(2026, 11, 30, 10, 0, tzinfo=UTC)
POOL = "eu-west-2_TestPool1"
ISSUER = f"https://cognito-idp.eu-west-2.amazonaws.com/{POOL}"
CLIENT = "staffworkspaceclient"
POOL_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
OTHER_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)


def _token(
    use: str = "id",
    *,
    key: Any = POOL_KEY,
    algorithm: str = "RS256",
    expires_in: timedelta = timedelta(hours=1),
    **overrides: Any,
) -> str:
    claims: dict[str, Any] = {
        "sub": "1234-abcd",
        "iss": ISSUER,
        "token_use": use,
        "iat": int((NOW - timedelta(minutes=1)).timestamp()),
        "exp": int((NOW + expires_in).timestamp()),
        "cognito:groups": ["officer"],
    }
    claims["aud" if use == "id" else "client_id"] = CLIENT
    claims.update(overrides)
    claims = {k: v for k, v in claims.items() if v is not None}
    return jwt.encode(claims, key, algorithm=algorithm, headers={"kid": "pool-key-1"})


@pytest.fixture
def verifier() -> TokenVerifier:
    return TokenVerifier(
        issuer=ISSUER, client_id=CLIENT, signing_key=lambda token: POOL_KEY.public_key()
    )


def test_a_valid_id_token_gives_its_claims(verifier):
    claims = verifier.verify(_token("id"), use="id", now=NOW)
    assert claims["sub"] == "1234-abcd"
    assert claims["cognito:groups"] == ["officer"]


def test_a_valid_access_token_names_the_client_not_an_audience(verifier):
    claims = verifier.verify(_token("access"), use="access", now=NOW)
    assert claims["client_id"] == CLIENT


def test_a_token_signed_by_another_key_is_refused(verifier):
    with pytest.raises(BadToken, match="signature"):
        verifier.verify(_token(key=OTHER_KEY), use="id", now=NOW)


def test_a_token_whose_claims_were_altered_is_refused(verifier):
    header, _, signature = _token().split(".")
    claims = jwt.decode(_token(), options={"verify_signature": False})
    claims["cognito:groups"] = ["administrator"]
    forged = base64.urlsafe_b64encode(jwt.api_jws.json.dumps(claims).encode()).rstrip(b"=")
    with pytest.raises(BadToken, match="signature"):
        verifier.verify(f"{header}.{forged.decode()}.{signature}", use="id", now=NOW)


def test_an_expired_token_is_refused(verifier):
    token = _token(expires_in=timedelta(seconds=-31))
    with pytest.raises(BadToken, match="expired"):
        verifier.verify(token, use="id", now=NOW)


def test_expiry_is_judged_at_the_time_given_not_the_machines(verifier):
    token = _token(expires_in=timedelta(hours=1))
    verifier.verify(token, use="id", now=NOW + timedelta(minutes=59))
    with pytest.raises(BadToken, match="expired"):
        verifier.verify(token, use="id", now=NOW + timedelta(hours=1, minutes=1))


def test_a_token_for_another_app_client_is_refused(verifier):
    with pytest.raises(BadToken, match="audience"):
        verifier.verify(_token("id", aud="someone-elses-client"), use="id", now=NOW)
    with pytest.raises(BadToken, match="client"):
        verifier.verify(_token("access", client_id="someone-elses-client"), use="access", now=NOW)


def test_a_token_of_another_pool_is_refused(verifier):
    other_pool = "https://cognito-idp.eu-west-2.amazonaws.com/eu-west-2_Another"
    with pytest.raises(BadToken, match="issuer"):
        verifier.verify(_token(iss=other_pool), use="id", now=NOW)


def test_an_access_token_is_not_taken_for_an_id_token_or_the_other_way(verifier):
    access_as_id = _token("access", aud=CLIENT)  # even with the right audience
    with pytest.raises(BadToken, match="not an id token"):
        verifier.verify(access_as_id, use="id", now=NOW)
    id_as_access = _token("id", client_id=CLIENT)
    with pytest.raises(BadToken, match="not an access token"):
        verifier.verify(id_as_access, use="access", now=NOW)


def test_a_token_signed_with_a_shared_secret_or_none_is_refused(verifier):
    hmac_token = _token(key="a shared secret of thirty-two bytes!", algorithm="HS256")
    with pytest.raises(BadToken):
        verifier.verify(hmac_token, use="id", now=NOW)
    header = base64.urlsafe_b64encode(b'{"alg":"none","typ":"JWT"}').rstrip(b"=").decode()
    payload = _token().split(".")[1]
    with pytest.raises(BadToken):
        verifier.verify(f"{header}.{payload}.", use="id", now=NOW)


def test_a_token_missing_its_expiry_or_use_is_refused(verifier):
    with pytest.raises(BadToken):
        verifier.verify(_token(exp=None), use="id", now=NOW)
    with pytest.raises(BadToken):
        verifier.verify(_token(token_use=None), use="id", now=NOW)


def test_a_token_issued_in_the_future_is_refused(verifier):
    future = int((NOW + timedelta(minutes=5)).timestamp())
    with pytest.raises(BadToken, match="future"):
        verifier.verify(_token(iat=future), use="id", now=NOW)


@pytest.mark.parametrize("garbage", ["", "not-a-token", "a.b", "a.b.c", "...."])
def test_garbage_is_refused(verifier, garbage):
    with pytest.raises(BadToken):
        verifier.verify(garbage, use="id", now=NOW)


# -- settings ----------------------------------------------------------------------------------


BASE_ENVIRONMENT = {
    "STAFF_USER_POOL_ID": POOL,
    "STAFF_CLIENT_ID": CLIENT,
    "AWS_REGION": "eu-west-2",
}
_READ = (
    *BASE_ENVIRONMENT,
    "AWS_DEFAULT_REGION",
    "AWS_ENDPOINT_URL",
    "AWS_LAMBDA_FUNCTION_NAME",
    "STAFF_LOCAL_SIGN_IN",
    "STAFF_SIGN_IN_DOMAIN",
    "STAFF_WORKSPACE_URL",
)


@pytest.fixture
def environment(monkeypatch):
    """Cognito's settings as read from exactly the environment given."""

    def read(variables: dict[str, str]) -> CognitoSettings:
        for name in _READ:
            monkeypatch.delenv(name, raising=False)
        for name, value in variables.items():
            monkeypatch.setenv(name, value)
        return read_settings(CognitoSettings)

    return read


def test_the_keys_are_the_pools_own_in_aws_and_moto_s_on_a_local_endpoint(environment):
    in_aws = environment(BASE_ENVIRONMENT)
    assert in_aws.issuer == ISSUER
    assert in_aws.jwks_url == f"{ISSUER}/.well-known/jwks.json"
    local = environment({**BASE_ENVIRONMENT, "AWS_ENDPOINT_URL": "http://127.0.0.1:5000"})
    assert local.issuer == ISSUER  # moto issues what Cognito issues
    assert local.jwks_url == f"http://127.0.0.1:5000/{POOL}/.well-known/jwks.json"


@pytest.mark.parametrize(
    ("extra", "local_form"),
    [
        ({"STAFF_LOCAL_SIGN_IN": "true", "AWS_ENDPOINT_URL": "http://127.0.0.1:5000"}, True),
        ({"STAFF_LOCAL_SIGN_IN": "true"}, False),  # against real AWS: never
        (
            {
                "STAFF_LOCAL_SIGN_IN": "true",
                "AWS_ENDPOINT_URL": "http://127.0.0.1:5000",
                "AWS_LAMBDA_FUNCTION_NAME": "staff-workspace",
            },
            False,  # inside Lambda: never
        ),
        ({"AWS_ENDPOINT_URL": "http://127.0.0.1:5000"}, False),
    ],
)
def test_the_local_sign_in_form_only_on_a_local_endpoint_outside_lambda(
    environment, extra, local_form
):
    settings = environment({**BASE_ENVIRONMENT, **extra})
    assert settings.local_sign_in is local_form


def test_the_workspace_will_not_start_without_its_pool(environment):
    with pytest.raises(SettingsError, match="STAFF_USER_POOL_ID"):
        environment({"STAFF_CLIENT_ID": CLIENT})


# -- the authorization code flow with PKCE -------------------------------------------------------


def _hosted(post=None) -> HostedSignIn:
    settings = CognitoSettings(
        staff_user_pool_id=POOL,
        staff_client_id=CLIENT,
        aws_region="eu-west-2",
        staff_sign_in_domain="https://council-staff.auth.eu-west-2.amazoncognito.com",
        staff_workspace_url="https://staff.example.gov.uk",
    )
    return HostedSignIn(settings, post=post or (lambda url, fields: {}))


def test_sign_in_goes_to_cognito_with_a_pkce_challenge_and_a_state():
    authorization = Authorization.start("/staff/cases")
    address = urlsplit(_hosted().authorize_url(authorization))
    query = {k: v[0] for k, v in parse_qs(address.query).items()}
    assert f"{address.scheme}://{address.netloc}{address.path}" == (
        "https://council-staff.auth.eu-west-2.amazoncognito.com/oauth2/authorize"
    )
    assert query["response_type"] == "code"
    assert query["client_id"] == CLIENT
    assert query["redirect_uri"] == "https://staff.example.gov.uk/auth/callback"
    assert query["state"] == authorization.state
    assert query["code_challenge_method"] == "S256"
    digest = hashlib.sha256(authorization.code_verifier.encode()).digest()
    assert query["code_challenge"] == base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
    assert "code_verifier" not in query


def test_the_code_is_exchanged_with_the_verifier_at_the_token_endpoint():
    posted: list[tuple[str, dict[str, str]]] = []

    def post(url: str, fields: dict[str, str]) -> dict[str, Any]:
        posted.append((url, dict(fields)))
        return {"id_token": "i.d.t", "access_token": "a.c.t", "refresh_token": "r"}

    authorization = Authorization.start("/staff/")
    tokens = _hosted(post).exchange(authorization, code="the-code", state=authorization.state)
    assert (tokens.id_token, tokens.access_token) == ("i.d.t", "a.c.t")
    ((url, fields),) = posted
    assert url == "https://council-staff.auth.eu-west-2.amazoncognito.com/oauth2/token"
    assert fields == {
        "grant_type": "authorization_code",
        "client_id": CLIENT,
        "code": "the-code",
        "redirect_uri": "https://staff.example.gov.uk/auth/callback",
        "code_verifier": authorization.code_verifier,
    }


def test_a_callback_whose_state_is_not_ours_is_refused_before_any_exchange():
    def post(url: str, fields: dict[str, str]) -> dict[str, Any]:
        raise AssertionError("no exchange for a forged callback")

    authorization = Authorization.start("/staff/")
    with pytest.raises(SignInFailed, match="state"):
        _hosted(post).exchange(authorization, code="the-code", state="someone-elses-state")


def test_a_sign_in_in_progress_survives_the_round_trip_as_json():
    authorization = Authorization.start("/staff/cases?type=complaint")
    assert Authorization.from_json(authorization.to_json()) == authorization


def test_sign_out_ends_cognitos_session_and_comes_back_to_the_signed_out_page():
    query = parse_qs(urlsplit(_hosted().sign_out_url()).query)
    assert query == {
        "client_id": [CLIENT],
        "logout_uri": ["https://staff.example.gov.uk/signed-out"],
    }


def test_the_token_endpoint_must_be_https():
    from sla_monitor.web.staff.auth import post_form

    with pytest.raises(SignInFailed, match="https"):
        post_form("http://council-staff.example/oauth2/token", {})

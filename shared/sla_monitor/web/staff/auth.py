"""Signing staff in with the council's Amazon Cognito user pool. The product keeps no passwords.

In production the workspace is an OAuth 2.0 client of Cognito's managed sign-in (authorization
code with PKCE): `/sign-in` sends the browser to the pool's `/oauth2/authorize`, where Cognito
asks for the password and the second factor (or hands over to the council's Entra ID), and
`/auth/callback` exchanges the code at `/oauth2/token`. Both tokens are then verified here: the
RS256 signature against the pool's published keys (JWKS, fetched once and cached), the issuer,
the audience (ID token) or `client_id` (access token), `token_use`, and the expiry.

On a person's own computer moto stands in for Cognito and has no managed sign-in, so, only when
the local-development setting is on, a plain form asks for the email address and password and
calls `initiate_auth` (USER_PASSWORD_AUTH) on moto; the tokens it returns go through the very
same verification. The deployed template never turns that setting on, and it is refused inside
Lambda whatever the environment says.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import urllib.parse
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from sla_monitor.settings.pieces import CognitoSettings

TokenUse = Literal["id", "access"]

# Lambda functions and Cognito may read slightly different clocks.
LEEWAY = timedelta(seconds=30)
# The pool's keys are fetched once per container and again only for a key id not seen before.
JWKS_CACHE_SECONDS = 6 * 60 * 60
SCOPES = "openid email profile"


class BadToken(Exception):
    """A token that is not a valid, current Cognito token of this pool and app client. The
    message says which check failed (it never quotes the token)."""


class SignInFailed(Exception):
    """Cognito refused the sign-in, or the callback did not come from our own request."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


# -- verifying a token ------------------------------------------------------------------------


SigningKey = Callable[[str], Any]  # the token -> the public key that should have signed it


def jwks_signing_key(jwks_url: str) -> SigningKey:
    """The pool's published keys, fetched when first needed and cached (PyJWT's PyJWKClient
    fetches again only for a key id it has not seen, as after Cognito rotates its keys)."""
    # PyJWT and cryptography load with the first token checked, not with the workspace.
    import jwt

    client = jwt.PyJWKClient(jwks_url, cache_keys=True, lifespan=JWKS_CACHE_SECONDS, timeout=10)

    def key_for(token: str) -> Any:
        try:
            return client.get_signing_key_from_jwt(token).key
        except jwt.PyJWKClientError as error:
            raise BadToken(f"no signing key: {type(error).__name__}") from None
        except jwt.PyJWTError as error:
            raise BadToken(f"malformed: {type(error).__name__}") from None

    return key_for


class TokenVerifier:
    """Checks a Cognito token as AWS documents it: RS256 signature by one of the pool's keys,
    issuer, audience or client id, token use, and expiry (against `now`, not the machine's
    clock, so the checks are the same in tests and in the demo's simulated time)."""

    def __init__(self, *, issuer: str, client_id: str, signing_key: SigningKey) -> None:
        self.issuer = issuer
        self.client_id = client_id
        self._signing_key = signing_key

    def verify(self, token: str, *, use: TokenUse, now: datetime) -> dict[str, Any]:
        """The token's claims once every check passed; `use` is its `token_use`."""
        import jwt

        if not token or token.count(".") != 2:
            raise BadToken("malformed")
        key = self._signing_key(token)
        is_id_token = use == "id"
        try:
            claims: dict[str, Any] = jwt.decode(
                token,
                key,
                algorithms=["RS256"],
                issuer=self.issuer,
                # The ID token names the app client as its audience; the access token has no
                # audience and names it in `client_id` instead (checked below).
                audience=self.client_id if is_id_token else None,
                options={
                    "require": ["exp", "iat", "iss", "token_use", "sub"],
                    "verify_aud": is_id_token,
                    # Checked against `now` below.
                    "verify_exp": False,
                    "verify_iat": False,
                    "verify_nbf": False,
                },
            )
        except jwt.InvalidSignatureError:
            raise BadToken("signature does not match") from None
        except jwt.InvalidIssuerError:
            raise BadToken("wrong issuer") from None
        except jwt.InvalidAudienceError:
            raise BadToken("wrong audience") from None
        except jwt.PyJWTError as error:
            raise BadToken(f"rejected: {type(error).__name__}") from None
        if claims.get("token_use") != use:
            raise BadToken(f"not an {use} token")
        if not is_id_token and claims.get("client_id") != self.client_id:
            raise BadToken("wrong client")
        moment = now.timestamp()
        try:
            expires, issued = float(claims["exp"]), float(claims["iat"])
        except (TypeError, ValueError):
            raise BadToken("malformed times") from None
        if expires <= moment - LEEWAY.total_seconds():
            raise BadToken("expired")
        if issued > moment + LEEWAY.total_seconds():
            raise BadToken("issued in the future")
        return claims


# -- the authorization code flow with PKCE (production) ---------------------------------------


@dataclass(frozen=True)
class Authorization:
    """One sign-in on its way through Cognito: what we keep in the browser until it returns."""

    state: str
    code_verifier: str
    return_to: str

    @classmethod
    def start(cls, return_to: str) -> Authorization:
        return cls(
            state=secrets.token_urlsafe(32),
            code_verifier=secrets.token_urlsafe(64),
            return_to=return_to,
        )

    @property
    def code_challenge(self) -> str:
        digest = hashlib.sha256(self.code_verifier.encode("ascii")).digest()
        return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")

    def to_json(self) -> str:
        return json.dumps(
            {"state": self.state, "verifier": self.code_verifier, "return_to": self.return_to}
        )

    @classmethod
    def from_json(cls, text: str) -> Authorization:
        data = json.loads(text)
        return cls(
            state=str(data["state"]),
            code_verifier=str(data["verifier"]),
            return_to=str(data["return_to"]),
        )


@dataclass(frozen=True)
class Tokens:
    id_token: str
    access_token: str


PostForm = Callable[[str, Mapping[str, str]], dict[str, Any]]


def post_form(url: str, fields: Mapping[str, str]) -> dict[str, Any]:
    """POST a form to Cognito's token endpoint and read its JSON answer."""
    if not url.startswith("https://"):
        raise SignInFailed("the token endpoint must be https")
    # urllib.request (http.client, email's parser) loads with the first sign-in, not with every
    # page of the workspace.
    import urllib.error
    import urllib.request

    request = urllib.request.Request(  # noqa: S310 - https only, checked above
        url,
        data=urllib.parse.urlencode(fields).encode("ascii"),
        headers={"Content-Type": "application/x-www-form-urlencoded"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:  # noqa: S310
            data: dict[str, Any] = json.load(answer)
            return data
    except urllib.error.HTTPError as error:
        raise SignInFailed(f"token endpoint answered {error.code}") from None
    except (urllib.error.URLError, TimeoutError, ValueError) as error:
        raise SignInFailed(f"token endpoint unreachable: {type(error).__name__}") from None


class HostedSignIn:
    """Cognito's managed sign-in, as an OAuth 2.0 public client with PKCE."""

    def __init__(self, settings: CognitoSettings, *, post: PostForm | None = None) -> None:
        if not settings.staff_sign_in_domain or not settings.staff_workspace_url:
            raise RuntimeError("set STAFF_SIGN_IN_DOMAIN and STAFF_WORKSPACE_URL")
        self.domain = settings.staff_sign_in_domain
        self.client_id = settings.staff_client_id
        self.redirect_uri = f"{settings.staff_workspace_url}/auth/callback"
        self.signed_out_uri = f"{settings.staff_workspace_url}/signed-out"
        self._post = post or post_form

    def authorize_url(self, authorization: Authorization) -> str:
        query = urllib.parse.urlencode(
            {
                "response_type": "code",
                "client_id": self.client_id,
                "redirect_uri": self.redirect_uri,
                "scope": SCOPES,
                "state": authorization.state,
                "code_challenge": authorization.code_challenge,
                "code_challenge_method": "S256",
            }
        )
        return f"{self.domain}/oauth2/authorize?{query}"

    def exchange(self, authorization: Authorization, *, code: str, state: str) -> Tokens:
        if not secrets.compare_digest(state.encode(), authorization.state.encode()):
            raise SignInFailed("state does not match")
        answer = self._post(
            f"{self.domain}/oauth2/token",
            {
                "grant_type": "authorization_code",
                "client_id": self.client_id,
                "code": code,
                "redirect_uri": self.redirect_uri,
                "code_verifier": authorization.code_verifier,
            },
        )
        try:
            return Tokens(id_token=answer["id_token"], access_token=answer["access_token"])
        except (KeyError, TypeError):
            raise SignInFailed("token endpoint gave no tokens") from None

    def sign_out_url(self) -> str:
        """Cognito's sign-out: ends its own session too, then comes back to us."""
        query = urllib.parse.urlencode(
            {"client_id": self.client_id, "logout_uri": self.signed_out_uri}
        )
        return f"{self.domain}/logout?{query}"


# -- the local form (moto) ---------------------------------------------------------------------


class LocalSignIn:
    """Email and password straight to moto's Cognito (USER_PASSWORD_AUTH), for local use only."""

    def __init__(self, settings: CognitoSettings, cognito: Any) -> None:
        if not settings.local_sign_in:
            raise RuntimeError("the local sign-in form is for local development only")
        self.client_id = settings.staff_client_id
        self._cognito = cognito

    def sign_in(self, email: str, password: str) -> Tokens:
        errors = self._cognito.exceptions
        try:
            answer = self._cognito.initiate_auth(
                ClientId=self.client_id,
                AuthFlow="USER_PASSWORD_AUTH",
                AuthParameters={"USERNAME": email, "PASSWORD": password},
            )
        except (errors.NotAuthorizedException, errors.UserNotFoundException):
            raise SignInFailed("email address or password not recognised") from None
        result = answer.get("AuthenticationResult")
        if not result:
            # A new password or a second factor is asked for: the local users need neither.
            raise SignInFailed(f"challenge {answer.get('ChallengeName')} not supported locally")
        return Tokens(id_token=result["IdToken"], access_token=result["AccessToken"])

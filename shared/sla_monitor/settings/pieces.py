"""The shared pieces the functions' settings are made of (`functions.py` composes them).

Each field is named after its environment variable (read without regard to case); an empty
variable counts as unset, so its default applies. A piece is frozen, so a function's collaborators
can be cached by the settings they were made from.
"""

from __future__ import annotations

from pydantic import AliasChoices, Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from sla_monitor.store.schema import DUE_SHARDS


class SettingsPiece(BaseSettings):
    """What every piece shares: frozen, empty variables unset, other variables ignored."""

    model_config = SettingsConfigDict(
        frozen=True, env_ignore_empty=True, extra="ignore", populate_by_name=True
    )

    @classmethod
    def variable_of(cls, key: str) -> str:
        """The environment variable a field (or one of its aliases) is read from."""
        for name, field in cls.model_fields.items():
            aliases = field.validation_alias
            choices = aliases.choices if isinstance(aliases, AliasChoices) else [aliases]
            if key == name or key in choices:
                first = choices[0] if aliases else name
                return str(first).upper()
        return key.upper()


def _no_trailing_slash(value: str | None) -> str | None:
    return (value or "").rstrip("/") or None


class LambdaRuntime(SettingsPiece):
    """What Lambda sets: its presence says the code runs in AWS, not on a person's computer."""

    aws_lambda_function_name: str | None = None

    @property
    def running_in_aws(self) -> bool:
        return bool(self.aws_lambda_function_name)


class AwsSettings(SettingsPiece):
    """Where AWS is: the region, and a local endpoint standing in for it (moto; never in AWS).
    boto3 honours AWS_ENDPOINT_URL itself; pynamodb and Cognito's keys are given it from here."""

    aws_region: str = Field(
        default="eu-west-2", validation_alias=AliasChoices("AWS_REGION", "AWS_DEFAULT_REGION")
    )
    aws_endpoint_url: str | None = None


class ResourceSettings(AwsSettings):
    """Where the product's tables, bucket and sender are (every function's)."""

    cases_table: str = "sla-monitor-cases"
    directory_table: str = "sla-monitor-directory"
    raw_mail_bucket: str = "sla-monitor-raw-mail"
    sender_address: str = "customer.services@nwleicestershire.gov.uk"
    ses_configuration_set: str | None = None
    # The next-due and open-cases indexes' shards (template.yaml's IndexShards): a scheduled
    # sweep runs once per shard, all at once. Only ever raised.
    index_shards: int = Field(default=DUE_SHARDS, ge=1)


class CouncilSettings(SettingsPiece):
    """The SAM template's parameters that win over `council.yaml` in a deployment."""

    council_name: str | None = None
    council_branding_colour: str | None = None
    your_cases_url: str | None = None
    retention_days: int | None = Field(default=None, ge=1)

    _slash = field_validator("your_cases_url")(_no_trailing_slash)


class AttachmentSettings(SettingsPiece):
    """Where files sent with mail or the forms are kept in the raw-mail bucket."""

    attachment_prefix: str = Field(default="attachments/", min_length=1)

    @field_validator("attachment_prefix")
    @classmethod
    def _folder(cls, value: str) -> str:
        return value if value.endswith("/") else f"{value}/"


class MailSettings(AttachmentSettings):
    """Email intake's own: where SES stores raw mail, and how much one sender may start."""

    raw_mail_prefix: str = Field(default="inbound/", min_length=1)
    # Past these, new messages wait in triage with no automatic reply (see ArrivalLimits).
    new_cases_per_address_per_hour: int = Field(default=5, ge=1)
    new_cases_per_source_per_hour: int = Field(default=20, ge=1)

    @field_validator("raw_mail_prefix")
    @classmethod
    def _raw_folder(cls, value: str) -> str:
        return value if value.endswith("/") else f"{value}/"


class SecretSettings(LambdaRuntime):
    """Where the secret that signs a function's pages comes from: a stored secret (deployed:
    an SSM parameter's path or a Secrets Manager secret), the value itself, or, on a person's
    computer only, the local default (`web.security.resolve_secret`)."""

    form_secret: str | None = None
    form_secret_parameter: str | None = None


class CognitoSettings(AwsSettings, LambdaRuntime):
    """Where the staff's Cognito user pool is, and where staff reach the workspace."""

    staff_user_pool_id: str
    staff_client_id: str
    # The managed sign-in domain, e.g. https://nwl-staff.auth.eu-west-2.amazoncognito.com
    staff_sign_in_domain: str | None = None
    # Where staff reach the workspace (its callback and sign-out addresses hang off it).
    staff_workspace_url: str | None = None
    # Asks for the local sign-in form; granted only by `local_sign_in`.
    staff_local_sign_in: bool = False

    _slash = field_validator("staff_sign_in_domain", "staff_workspace_url")(_no_trailing_slash)

    @property
    def local_sign_in(self) -> bool:
        """The local form only on a person's computer: never in Lambda, never against AWS."""
        return (
            self.staff_local_sign_in
            and self.aws_endpoint_url is not None
            and not self.running_in_aws
        )

    @property
    def issuer(self) -> str:
        """The `iss` of the pool's tokens (moto issues the same as Cognito)."""
        return f"https://cognito-idp.{self.aws_region}.amazonaws.com/{self.staff_user_pool_id}"

    @property
    def jwks_url(self) -> str:
        if self.aws_endpoint_url:
            endpoint = self.aws_endpoint_url.rstrip("/")
            return f"{endpoint}/{self.staff_user_pool_id}/.well-known/jwks.json"
        return f"{self.issuer}/.well-known/jwks.json"

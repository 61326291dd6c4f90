"""The workspace's collaborators, made once per container: its logger, the Cognito settings and
token verifier, the sessions with their signing secret, and the pages with the runtime's
services. Each is made when first used, never at import."""

from __future__ import annotations

import os
from datetime import datetime, timedelta
from functools import lru_cache

from aws_lambda_powertools import Logger

from sla_monitor.attachments import AttachmentLinks, S3AttachmentLinks
from sla_monitor.runtime import services
from sla_monitor.web.gateway import fetch_stored_secret
from sla_monitor.web.security import FormSigner, SecretSource
from sla_monitor.web.staff.auth import CognitoSettings, TokenVerifier, jwks_signing_key
from sla_monitor.web.staff.pages import StaffPages
from sla_monitor.web.staff.session import Sessions

logger = Logger(service="staff-workspace")


@lru_cache(maxsize=1)
def cognito_settings() -> CognitoSettings:
    return CognitoSettings.from_environment(os.environ)


@lru_cache(maxsize=4)
def token_verifier(settings: CognitoSettings) -> TokenVerifier:
    return TokenVerifier(
        issuer=settings.issuer,
        client_id=settings.client_id,
        signing_key=jwks_signing_key(settings.jwks_url),
    )


@lru_cache(maxsize=4)
def _sessions(source: SecretSource, idle_minutes: int) -> Sessions:
    signer = FormSigner(source.resolve(fetch_stored_secret))
    return Sessions(signer, idle_timeout=timedelta(minutes=idle_minutes))


def sessions() -> Sessions:
    idle = int(os.environ.get("STAFF_IDLE_TIMEOUT_MINUTES") or 30)
    return _sessions(SecretSource.from_environment(os.environ), idle)


def reset_collaborators() -> None:
    """Forget the settings, keys and secret read so far (tests and the local stack)."""
    cognito_settings.cache_clear()
    token_verifier.cache_clear()
    _sessions.cache_clear()


def _deliver(reference: str, now: datetime) -> bool:
    """Send at once what a step left owed on the case, as `sla-monitor case` does. The step is
    recorded already: if sending fails, what it owes stays owed for the scheduled sweep."""
    # The checker's sweep loads with the first step that owes something, not with every page.
    from sla_monitor.checker.wiring import deliver_now

    try:
        report = deliver_now(services(), reference, now)
    except Exception as error:  # any failure to send leaves the step as it is, and owed
        logger.warning("sending after a step failed", extra={"error_type": type(error).__name__})
        return False
    if report.failures:
        logger.warning("sending after a step failed", extra={"errors": report.failures})
    return not (report.failures or report.deferred)


def _attachment_links() -> AttachmentLinks:
    bundle = services()
    return S3AttachmentLinks(bundle.client("s3"), bundle.settings.raw_mail_bucket)


def attachment_prefix() -> str:
    # Intake's settings: the module, with its models of SES's events, loads with the first page.
    from sla_monitor.mail.events import MailSettings

    return MailSettings.from_environment().attachment_prefix


def staff_pages() -> StaffPages:
    bundle = services()
    return StaffPages(
        council=bundle.council,
        sessions=sessions(),
        store=bundle.store,
        policy=bundle.policy,
        calendar=bundle.calendar,
        directory=bundle.directory,
        deliver=_deliver,
        attachment_prefix=attachment_prefix(),
        attachment_links=_attachment_links,
    )

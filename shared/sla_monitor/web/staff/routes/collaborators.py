"""The workspace's collaborators, made once per container: its logger, its settings and the
token verifier, the sessions with their signing secret, and the pages with the runtime's
services. Each is made when first used, never at import."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from functools import lru_cache
from typing import TYPE_CHECKING

from aws_lambda_powertools import Logger

from sla_monitor.attachments import AttachmentLinks, S3AttachmentLinks
from sla_monitor.runtime import services
from sla_monitor.web.gateway import StoredSigner
from sla_monitor.web.staff.auth import TokenVerifier, jwks_signing_key
from sla_monitor.web.staff.pages import StaffPages
from sla_monitor.web.staff.session import Sessions

if TYPE_CHECKING:
    from sla_monitor.settings.functions import StaffWorkspaceSettings
    from sla_monitor.settings.pieces import CognitoSettings
    from sla_monitor.work_list_export import ExportFiles, ExportStarter

logger = Logger(service="staff-workspace")


@lru_cache(maxsize=1)
def workspace_settings() -> StaffWorkspaceSettings:
    # The function's settings, read with its first request (pydantic-settings loads with them).
    from sla_monitor.settings import read_settings
    from sla_monitor.settings.functions import StaffWorkspaceSettings

    return read_settings(StaffWorkspaceSettings)


@lru_cache(maxsize=4)
def token_verifier(settings: CognitoSettings) -> TokenVerifier:
    return TokenVerifier(
        issuer=settings.issuer,
        client_id=settings.staff_client_id,
        signing_key=jwks_signing_key(settings.jwks_url),
    )


# The session secret, read again every few minutes so a rotation reaches a warm container.
_signer = StoredSigner()


def _sessions(settings: StaffWorkspaceSettings) -> Sessions:
    signer = _signer(settings)
    return Sessions(signer, idle_timeout=timedelta(minutes=settings.staff_idle_timeout_minutes))


def sessions() -> Sessions:
    return _sessions(workspace_settings())


def reset_collaborators() -> None:
    """Forget the settings, keys and secret read so far (tests and the local stack)."""
    workspace_settings.cache_clear()
    token_verifier.cache_clear()
    _signer.cache_clear()


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
    return workspace_settings().attachment_prefix


def _export_starter() -> ExportStarter:
    """The export function, invoked to run apart; where there is none to invoke (a person's
    computer, the tests), the export is prepared in this process, in a thread of its own."""
    from sla_monitor.work_list_export import (
        InProcessExportStarter,
        LambdaExportStarter,
        export_work,
        prepare_export,
    )

    function_name = workspace_settings().export_function_name
    if function_name:
        return LambdaExportStarter(services().client("lambda"), function_name)

    def prepare(export_id: str) -> None:
        prepared = prepare_export(export_id, work=export_work(services()), now=datetime.now(UTC))
        logger.info("work list export prepared", extra=prepared.log_fields())

    return InProcessExportStarter(prepare)


def _export_files() -> ExportFiles:
    from sla_monitor.work_list_export import S3ExportFiles

    bundle = services()
    return S3ExportFiles(bundle.client("s3"), bundle.settings.raw_mail_bucket)


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
        export_starter=_export_starter,
        export_files=_export_files,
    )

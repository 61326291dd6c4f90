"""One settings model per Lambda function (one per folder in `functions/`), each made of the
pieces of `pieces.py` that function's code reads. `template.yaml` gives each function these
variables (its Globals give every function the resources and the council's parameters)."""

from __future__ import annotations

from pydantic import Field

from sla_monitor.settings.pieces import (
    AttachmentSettings,
    CognitoSettings,
    CouncilSettings,
    MailSettings,
    ResourceSettings,
    SecretSettings,
)


class FunctionSettings(ResourceSettings, CouncilSettings):
    """What every function has: the resources, and the council's deployment parameters."""


class EmailIntakeSettings(FunctionSettings, MailSettings):
    """functions/email_intake."""


class DeadlineCheckerSettings(FunctionSettings):
    """functions/deadline_checker."""


class DeliveryEventsSettings(FunctionSettings):
    """functions/delivery_events."""


class ScanResultsSettings(FunctionSettings, AttachmentSettings):
    """functions/scan_results."""


class Open311Settings(FunctionSettings):
    """functions/open311."""


class HaveYourSaySettings(FunctionSettings, SecretSettings):
    """functions/have_your_say."""


class YourCasesSettings(FunctionSettings, SecretSettings):
    """functions/your_cases (it shares the form's secret and so its CSRF cookie)."""


class StaffWorkspaceSettings(FunctionSettings, SecretSettings, CognitoSettings, AttachmentSettings):
    """functions/staff_workspace."""

    # Minutes without a request after which a member of staff signs in again.
    staff_idle_timeout_minutes: int = Field(default=30, ge=1)
    # The function that prepares the work list's spreadsheets; unset on a person's computer and
    # in the tests, where the workspace prepares them itself (there is no Lambda to invoke).
    export_function_name: str | None = None


class WorkListExportSettings(FunctionSettings):
    """functions/work_list_export."""


class SecretRotationSettings(FunctionSettings):
    """functions/secret_rotation."""


# The folder in functions/ of each model.
FUNCTION_SETTINGS: dict[str, type[FunctionSettings]] = {
    "email_intake": EmailIntakeSettings,
    "deadline_checker": DeadlineCheckerSettings,
    "delivery_events": DeliveryEventsSettings,
    "scan_results": ScanResultsSettings,
    "open311": Open311Settings,
    "have_your_say": HaveYourSaySettings,
    "your_cases": YourCasesSettings,
    "staff_workspace": StaffWorkspaceSettings,
    "work_list_export": WorkListExportSettings,
    "secret_rotation": SecretRotationSettings,
}

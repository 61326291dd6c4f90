"""The directory in DynamoDB: departments, officers, council-wide roles, closure days and kept
policy versions, one item each in the directory table."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from pynamodb.exceptions import DeleteError, DoesNotExist, PutError

from sla_monitor.calendar import ClosureDay
from sla_monitor.directory import COUNCIL_ROLES, Department, Directory, Officer
from sla_monitor.reply_templates import ReplyTemplate, TemplateChange
from sla_monitor.store.dynamodb.models import directory_model


class DynamoDBDirectoryStore:
    """Departments, officers, council-wide roles and stored closure days in the directory table:

        pk          sk              what
        DEPARTMENT  <code>          a department (retired ones too)
        OFFICER     <officer id>    an officer (retired ones too)
        ROLE        <role>          who or what a council-wide role stands for
        CLOSURE     <ISO date>      a day the council closes, added after go-live
        POLICY      <version>       a policy version cases were timed by, kept to re-time them
        TEMPLATE    <key>           a reply template as it stands (retired ones too)
        TEMPLATE_CHANGE#<key>  <utc instant>#<what>   each change to it, kept for good

    Each change writes one item, so two administrators changing different people never
    overwrite each other's work.
    """

    def __init__(self, table_name: str, *, region: str, host: str | None = None) -> None:
        self.model = directory_model(table_name, region, host)

    def load_directory(self) -> Directory:
        m = self.model
        departments = [self._department(i) for i in m.query("DEPARTMENT")]
        officers = [self._officer(i) for i in m.query("OFFICER")]
        roles = {i.sk: i.officer_id for i in m.query("ROLE")}
        return Directory(
            departments=tuple(departments),
            officers=tuple(officers),
            corporate_complaints_officer=roles.get("corporate_complaints_officer"),
            chief_executive=roles.get("chief_executive"),
            default_department=roles.get("default_department"),
        )

    @staticmethod
    def _department(item: Any) -> Department:
        return Department(
            code=item.sk,
            name=item.name or "",
            head_of_service=item.head_of_service or "",
            team_email=item.email,
            retired=bool(item.retired),
            changed_by=item.changed_by,
            changed_at=item.changed_at,
        )

    @staticmethod
    def _officer(item: Any) -> Officer:
        return Officer(
            officer_id=item.sk,
            name=item.name or "",
            email=item.email or "",
            job_title=item.job_title or "",
            department=item.department,
            retired=bool(item.retired),
            changed_by=item.changed_by,
            changed_at=item.changed_at,
        )

    def _department_item(self, d: Department) -> Any:
        return self.model(
            "DEPARTMENT",
            d.code,
            name=d.name,
            head_of_service=d.head_of_service,
            email=d.team_email,
            retired=d.retired,
            changed_by=d.changed_by,
            changed_at=d.changed_at,
        )

    def _officer_item(self, o: Officer) -> Any:
        return self.model(
            "OFFICER",
            o.officer_id,
            name=o.name,
            email=o.email,
            job_title=o.job_title,
            department=o.department,
            retired=o.retired,
            changed_by=o.changed_by,
            changed_at=o.changed_at,
        )

    def save_directory(self, directory: Directory) -> None:
        m = self.model
        with m.batch_write() as batch:
            for d in directory.departments:
                batch.save(self._department_item(d))
            for o in directory.officers:
                batch.save(self._officer_item(o))
            for role in COUNCIL_ROLES:
                value = getattr(directory, role)
                if value:
                    batch.save(m("ROLE", role, name=role, officer_id=value))

    def save_department(self, department: Department) -> None:
        self._department_item(department).save()

    def save_officer(self, officer: Officer) -> None:
        self._officer_item(officer).save()

    def save_role(self, role: str, value: str, *, changed_by: str, changed_at: datetime) -> None:
        if role not in COUNCIL_ROLES:
            raise ValueError(f"unknown role {role!r}")
        # `officer_id` holds a department code for `default_department`, as it always has.
        self.model(
            "ROLE", role, name=role, officer_id=value, changed_by=changed_by, changed_at=changed_at
        ).save()

    def closure_days(self) -> list[ClosureDay]:
        return [
            ClosureDay(
                day=date.fromisoformat(i.sk),
                reason=i.reason or "",
                added_by=i.changed_by or "",
                added_at=i.changed_at,
            )
            for i in self.model.query("CLOSURE", consistent_read=True)
        ]

    def add_closure_day(self, closure: ClosureDay) -> bool:
        m = self.model
        item = m(
            "CLOSURE",
            closure.day.isoformat(),
            reason=closure.reason,
            changed_by=closure.added_by,
            changed_at=closure.added_at,
        )
        try:
            item.save(condition=m.pk.does_not_exist())
        except PutError as error:
            if error.cause_response_code == "ConditionalCheckFailedException":
                return False
            raise
        return True

    def keep_policy(self, version: str, text: str) -> None:
        m = self.model
        try:
            m("POLICY", version, name=version, text=text).save(condition=m.pk.does_not_exist())
        except PutError as error:
            if error.cause_response_code != "ConditionalCheckFailedException":
                raise

    def policy_text(self, version: str) -> str | None:
        try:
            return self.model.get("POLICY", version, consistent_read=True).text
        except DoesNotExist:
            return None

    def remove_closure_day(self, day: date) -> bool:
        m = self.model
        try:
            m("CLOSURE", day.isoformat()).delete(condition=m.pk.exists())
        except DeleteError as error:
            if error.cause_response_code == "ConditionalCheckFailedException":
                return False
            raise
        return True

    def reply_templates(self) -> list[ReplyTemplate]:
        return sorted(
            (
                ReplyTemplate(
                    key=i.sk,
                    title=i.name or "",
                    text=i.text or "",
                    retired=bool(i.retired),
                    changed_by=i.changed_by or "",
                    changed_at=i.changed_at,
                    changed_by_name=i.changed_by_name or "",
                )
                for i in self.model.query("TEMPLATE", consistent_read=True)
            ),
            key=lambda t: t.title.casefold(),
        )

    def reply_template_changes(self, key: str) -> list[TemplateChange]:
        return [
            TemplateChange(
                key=key,
                at=i.changed_at,
                by=i.changed_by or "",
                what=i.reason or "",
                title=i.name or "",
                text=i.text or "",
                by_name=i.changed_by_name or "",
            )
            for i in self.model.query(f"TEMPLATE_CHANGE#{key}", consistent_read=True)
        ]

    def keep_reply_template(self, template: ReplyTemplate, change: TemplateChange) -> None:
        m = self.model
        # The change first: a template is never seen changed without its change kept.
        m(
            f"TEMPLATE_CHANGE#{change.key}",
            f"{change.at.astimezone(UTC).isoformat()}#{change.what}",
            name=change.title,
            text=change.text,
            reason=change.what,
            changed_by=change.by,
            changed_at=change.at,
            changed_by_name=change.by_name or None,
        ).save(condition=m.pk.does_not_exist())
        m(
            "TEMPLATE",
            template.key,
            name=template.title,
            text=template.text,
            retired=template.retired,
            changed_by=template.changed_by,
            changed_at=template.changed_at,
            changed_by_name=template.changed_by_name or None,
        ).save()

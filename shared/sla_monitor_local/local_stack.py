"""The local stack: a moto server standing in for AWS on 127.0.0.1, the product's resources on
it, cases to look at, and the public form, the open status API (Open311) and the staff workspace
served through the real Lambda handlers. The workspace signs staff in against moto's Cognito: a
user pool like the template's with one sample user per role, and the same token verification as
in AWS."""

from __future__ import annotations

import email
import email.policy
import logging
import os
import re
import urllib.request
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from unittest import mock

from sla_monitor.cases import CaseType, Channel, Customer, Preferences
from sla_monitor.directory import default_directory
from sla_monitor.intake import NewCase, register_case
from sla_monitor.runtime import Services, reset_services, services
from sla_monitor_local.local_staff import (
    SampleUser,
    StaffPool,
    add_sample_users,
    create_staff_pool,
    seed_casework,
    seed_set_aside_mail,
)
from sla_monitor_local.provisioning import provision
from sla_monitor_local.seeded_stacks import SeededStacks

LOCAL_CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "local",
    "AWS_SECRET_ACCESS_KEY": "local",
    "AWS_DEFAULT_REGION": "eu-west-2",
    "AWS_REGION": "eu-west-2",
}


# Where the staff workspace is mounted locally (in AWS: its own API's stage).
STAFF_BASE_PATH = "/staff"


@dataclass(frozen=True)
class LocalStack:
    aws_endpoint: str
    public_form: str
    services: Services
    workspace: str = ""
    staff_pool: StaffPool | None = None
    sample_users: tuple[SampleUser, ...] = ()
    sample_cases: dict[str, str] | None = None
    open_status: str = ""
    your_cases: str = ""

    def sign_in_links(self) -> list[tuple[str, str]]:
        """Every sign-in link the residents' pages have emailed, with the address it went to,
        oldest first: moto keeps what SES was asked to send, in this process. Local only."""
        from moto.core import DEFAULT_ACCOUNT_ID
        from moto.ses.models import ses_backends

        found: list[tuple[str, str]] = []
        backend = ses_backends[DEFAULT_ACCOUNT_ID][self.services.settings.aws_region]
        for sent in backend.sent_messages:
            message = email.message_from_string(sent.raw_data, policy=email.policy.default)
            body = message.get_body(preferencelist=("plain",)) if message.is_multipart() else None
            text = body.get_content() if body is not None else ""
            for link in re.findall(r"\S+/your-cases/link\?token=\S+", text):
                # moto lists an address once per header and per envelope: each once here.
                found.extend((address, link) for address in dict.fromkeys(sent.destinations))
        return found

    def environment(self) -> dict[str, str]:
        """What another shell needs so `sla-monitor` commands talk to this stack."""
        return {"AWS_ENDPOINT_URL": self.aws_endpoint, **LOCAL_CREDENTIALS}

    def info(self) -> dict[str, object]:
        """The addresses, the environment and the sample sign-ins, for scripts and tests."""
        return {
            "public_form": self.public_form,
            "workspace": self.workspace,
            "open_status": self.open_status,
            "aws_endpoint": self.aws_endpoint,
            "environment": self.environment(),
            "staff_user_pool_id": self.staff_pool.user_pool_id if self.staff_pool else None,
            "staff_client_id": self.staff_pool.client_id if self.staff_pool else None,
            "sign_ins": [u.as_json() for u in self.sample_users],
            "sample_cases": dict(self.sample_cases or {}),
            "your_cases": self.your_cases,
        }


_SAMPLE_CASES = (
    (CaseType.COMPLAINT, Channel.EMAIL, 9, "Bin not collected for three weeks"),
    (CaseType.ENQUIRY, Channel.WEB, 6, "When is the garden waste collection restarting?"),
    (CaseType.SERVICE_REQUEST, Channel.EMAIL, 2, "Fly-tipping on Meadow Lane"),
    (CaseType.COMPLIMENT, Channel.WEB, 0, "Thank you to the housing team"),
)


def seed_sample_cases(bundle: Services, now: datetime) -> list[str]:
    """A few open cases received over the last working days, so there is something to see."""
    references = []
    calendar = bundle.calendar
    for number, (case_type, channel, days_ago, subject) in enumerate(_SAMPLE_CASES, start=1):
        day = calendar.local(now).date()
        for _ in range(days_ago):
            day = calendar.previous_working_day(day)
        received = min(now, calendar.at(day, calendar.office_opens) + timedelta(hours=number))
        registration = register_case(
            NewCase(
                case_type=case_type,
                channel=channel,
                received_at=received,
                subject=subject,
                description=subject,
                customer=Customer(
                    name=f"Sample resident {number}", email=f"resident{number}@example.org"
                ),
                preferences=Preferences(),
                idempotency_key=f"local-sample-{number}",
            ),
            store=bundle.store,
            policy=bundle.policy,
            calendar=calendar,
            now=received,
        )
        references.append(registration.case.reference)
    return references


@contextmanager
def local_stack(
    *,
    aws_port: int,
    web_port: int,
    now: datetime,
    seeded_stacks: SeededStacks | None = None,
) -> Iterator[LocalStack]:
    """Start moto on 127.0.0.1, create and seed the resources, and serve the public form and
    the staff workspace. With `seeded_stacks` (the tests'), a stack started in an hour when one
    was seeded before starts from a copy of its records instead of seeding again."""
    from moto.server import ThreadedMotoServer

    from functions.have_your_say import app as have_your_say
    from functions.open311 import app as open311
    from functions.staff_workspace import app as staff_workspace
    from functions.your_cases import app as your_cases
    from sla_monitor.web.staff.routes import reset_collaborators
    from sla_monitor_local import emulator
    from sla_monitor_local.local_server import (
        OPEN311_ROUTE_PREFIX,
        PUBLIC_FORM_BASE_PATH,
        LocalApiServer,
        routed_by_path,
    )

    def _web_server(port: int) -> LocalApiServer:
        return LocalApiServer(
            {
                # One public API, as in AWS: Open311's routes and the residents' pages to their
                # own functions, the rest to the form's.
                PUBLIC_FORM_BASE_PATH: routed_by_path(
                    {OPEN311_ROUTE_PREFIX: open311.handler, "/your-cases": your_cases.handler},
                    otherwise=have_your_say.handler,
                ),
                STAFF_BASE_PATH: staff_workspace.handler,
            },
            port=port,
        )

    # The moto server would print a line for every AWS call; the person wants the addresses.
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    # The server runs in this process: the emulator's fixes reach it (see the module).
    emulator.install()
    with ExitStack() as stack:
        moto_server = ThreadedMotoServer(ip_address="127.0.0.1", port=aws_port, verbose=False)
        moto_server.start()
        stack.callback(moto_server.stop)
        host, port = moto_server.get_host_and_port()
        endpoint = f"http://{host}:{port}"
        # moto keeps its resources in this process, not in the server: start from nothing, as a
        # stack started earlier in the same process (another test module) left its own.
        reset = urllib.request.Request(  # noqa: S310 - http to the server started above
            f"{endpoint}/moto-api/reset", data=b"", method="POST"
        )
        urllib.request.urlopen(reset, timeout=30).close()  # noqa: S310
        stack.enter_context(
            mock.patch.dict(os.environ, {"AWS_ENDPOINT_URL": endpoint, **LOCAL_CREDENTIALS})
        )
        reset_services()
        stack.callback(reset_services)
        bundle = services()
        hour = SeededStacks.hour_of(now, bundle.council.calendar())
        seeded = seeded_stacks.get(hour) if seeded_stacks else None
        if seeded is not None:
            try:
                web = _web_server(seeded.web_port)
            except OSError:  # the port the letters link to is taken: seed this stack afresh
                seeded = None
        if seeded is not None:
            seeded.restore()
            pool, users = seeded.staff_pool, seeded.sample_users
        else:
            provision(
                bundle.settings,
                clients={name: bundle.client(name) for name in ("dynamodb", "s3", "ses")},
                directory=default_directory(),
                directory_store=bundle.directory_store,
            )
            cognito = bundle.client("cognito-idp")
            pool = create_staff_pool(cognito)
            users = add_sample_users(cognito, pool)
            web = _web_server(web_port)
        stack.callback(web.stop)
        # The workspace's settings, as template.yaml gives them in AWS, plus the local sign-in
        # form that only a local endpoint allows.
        stack.enter_context(
            mock.patch.dict(
                os.environ,
                {
                    "STAFF_USER_POOL_ID": pool.user_pool_id,
                    "STAFF_CLIENT_ID": pool.client_id,
                    "STAFF_LOCAL_SIGN_IN": "true",
                },
            )
        )
        reset_collaborators()
        stack.callback(reset_collaborators)
        # Letters link to each case's page, as YOUR_CASES_URL makes them in AWS.
        your_cases_url = f"{web.url}{PUBLIC_FORM_BASE_PATH}/your-cases"
        bundle.council = bundle.council.model_copy(update={"your_cases_url": your_cases_url})
        if seeded is not None:
            samples = dict(seeded.sample_cases)
        else:
            seed_sample_cases(bundle, now)
            samples = seed_casework(bundle, now)
            seed_set_aside_mail(bundle, now, samples)
            if seeded_stacks is not None:
                seeded_stacks.keep(
                    hour,
                    web_port=web.port,
                    staff_pool=pool,
                    sample_users=users,
                    sample_cases=samples,
                )
        web.start()
        yield LocalStack(
            aws_endpoint=endpoint,
            public_form=f"{web.url}{PUBLIC_FORM_BASE_PATH}/",
            services=bundle,
            workspace=f"{web.url}{STAFF_BASE_PATH}/",
            staff_pool=pool,
            sample_users=users,
            sample_cases=samples,
            open_status=f"{web.url}{PUBLIC_FORM_BASE_PATH}{OPEN311_ROUTE_PREFIX}v2/",
            your_cases=f"{your_cases_url}",
        )

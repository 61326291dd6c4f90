"""The local stack: a moto server standing in for AWS on 127.0.0.1, the product's resources on
it, a few cases to look at, and the public pages served through the real Lambda handlers."""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from unittest import mock

from sla_monitor.cases import CaseType, Channel, Customer, Preferences
from sla_monitor.directory import default_directory
from sla_monitor.intake import NewCase, register_case
from sla_monitor.provisioning import provision
from sla_monitor.runtime import Services, reset_services, services

LOCAL_CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "local",
    "AWS_SECRET_ACCESS_KEY": "local",
    "AWS_DEFAULT_REGION": "eu-west-2",
    "AWS_REGION": "eu-west-2",
}


@dataclass(frozen=True)
class LocalStack:
    aws_endpoint: str
    public_form: str
    services: Services

    def environment(self) -> dict[str, str]:
        """What another shell needs so `sla-monitor` commands talk to this stack."""
        return {"AWS_ENDPOINT_URL": self.aws_endpoint, **LOCAL_CREDENTIALS}


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
def local_stack(*, aws_port: int, web_port: int, now: datetime) -> Iterator[LocalStack]:
    """Start moto on 127.0.0.1, create and seed the resources, and serve the public pages."""
    from moto.server import ThreadedMotoServer

    from functions.have_your_say import app as have_your_say
    from sla_monitor.web.local_server import PUBLIC_FORM_BASE_PATH, LocalApiServer

    # The moto server would print a line for every AWS call; the person wants the addresses.
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    with ExitStack() as stack:
        moto_server = ThreadedMotoServer(ip_address="127.0.0.1", port=aws_port, verbose=False)
        moto_server.start()
        stack.callback(moto_server.stop)
        host, port = moto_server.get_host_and_port()
        endpoint = f"http://{host}:{port}"
        stack.enter_context(
            mock.patch.dict(os.environ, {"AWS_ENDPOINT_URL": endpoint, **LOCAL_CREDENTIALS})
        )
        reset_services()
        stack.callback(reset_services)
        bundle = services()
        provision(
            bundle.settings,
            clients={name: bundle.client(name) for name in ("dynamodb", "s3", "ses")},
            directory=default_directory(),
            directory_store=bundle.directory_store,
        )
        seed_sample_cases(bundle, now)
        web = LocalApiServer({PUBLIC_FORM_BASE_PATH: have_your_say.handler}, port=web_port)
        web.start()
        stack.callback(web.stop)
        yield LocalStack(
            aws_endpoint=endpoint,
            public_form=f"{web.url}{PUBLIC_FORM_BASE_PATH}/",
            services=bundle,
        )

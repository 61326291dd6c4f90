"""How long asking for a residents' sign-in link takes for an address with cases and for one
without (`make bench`).

The page must not tell them apart by its time (docs/security.md): it only checks the form and
leaves the look-up, the counting and the email for after the answer. Here the residents'
function answers API Gateway's events on embedded AWS (in-process moto) as it does deployed, with
the request for a link handed to a stand-in for Lambda's asynchronous invocation; the median
answer for each address, and, for contrast, the median of the work done after the answer, which
differs by address and is what the answer no longer waits for.

The target: medians within a few milliseconds of each other (the noise of one machine). On the
development machine (December 2026) the answers' medians were 0.8 and 0.9 ms, and the work after
them, which the page once waited for, 134 ms for an address with cases and 36 ms without.
"""

from __future__ import annotations

import re
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from typing import Any
from unittest import mock
from urllib.parse import urlencode

from sla_monitor_local.embedded import embedded_aws
from sla_monitor_local.local_server import LocalLambdaContext, proxy_event
from sla_monitor_local.local_stack import seed_sample_cases

from functions.your_cases import app
from sla_monitor.web.your_cases import routes
from sla_monitor.web.your_cases.link_requests import AfterTheAnswer

ROUNDS = 200
KNOWN = "resident1@example.org"
UNKNOWN = "nobody@example.org"
SLACK_MS = 5.0


def _event(method: str, cookies: dict[str, str], body: str = "") -> dict[str, Any]:
    headers = [("Host", "council.example"), ("X-Forwarded-Proto", "https")]
    if cookies:
        headers.append(("Cookie", "; ".join(f"{k}={v}" for k, v in cookies.items())))
    if body:
        headers.append(("Content-Type", "application/x-www-form-urlencoded"))
    return proxy_event(
        method=method,
        target="/have-your-say/your-cases/sign-in",
        headers=headers,
        body=body.encode(),
        client_ip="192.0.2.10",
        received_at=datetime.now(UTC),
        base_path="/have-your-say",
    )


def _form_and_cookie(now: datetime) -> tuple[dict[str, str], str]:
    page = app.handle(_event("GET", {}), LocalLambdaContext(), now=now)
    cookie = page["multiValueHeaders"]["Set-Cookie"][0].split(";", 1)[0]
    name, value = cookie.split("=", 1)
    token = re.search(r'type="hidden" name="csrf_token" value="([^"]+)"', page["body"])
    if token is None:
        raise SystemExit("the sign-in page has no CSRF token")
    return {name: value}, token.group(1)


def main() -> None:
    routes.logger.setLevel("WARNING")  # a line per request would drown the figures
    with embedded_aws() as bundle:
        now = datetime.now(UTC)
        seed_sample_cases(bundle, now)  # resident1@example.org and three more have cases
        invoked = AfterTheAnswer()  # stands in for Lambda: the answer only hands the request on
        answers: dict[str, list[float]] = {KNOWN: [], UNKNOWN: []}
        afterwards: dict[str, list[float]] = {KNOWN: [], UNKNOWN: []}
        with mock.patch.object(routes, "_link_requests", lambda: invoked):
            for round_number in range(ROUNDS):
                # An hour apart, so the hourly limits never stop a link (their counters are
                # written after the answer either way).
                at = now + timedelta(hours=round_number)
                cookies, token = _form_and_cookie(at)
                # Alternate, so drift in the machine's speed falls on both alike.
                order = (KNOWN, UNKNOWN) if round_number % 2 else (UNKNOWN, KNOWN)
                for address in order:
                    body = urlencode({"csrf_token": token, "email": address})
                    started = time.perf_counter()
                    answer = app.handle(_event("POST", cookies, body), LocalLambdaContext(), now=at)
                    answers[address].append((time.perf_counter() - started) * 1000)
                    if answer["statusCode"] != 303:
                        raise SystemExit(f"the page answered {answer['statusCode']}")
                    [asked] = invoked.take()
                    started = time.perf_counter()
                    outcome = routes.send_link(asked, now=at)["link"]
                    if outcome != ("sent" if address == KNOWN else "not sent"):
                        raise SystemExit(f"the link was {outcome} for {address}")
                    afterwards[address].append((time.perf_counter() - started) * 1000)
    print(f"{ROUNDS} requests for each address")
    print(f"{'':24} {'answer (median ms)':>20} {'after it (median ms)':>22}")
    for address, label in ((KNOWN, "address with cases"), (UNKNOWN, "address without")):
        print(
            f"{label:24} {statistics.median(answers[address]):20.1f}"
            f" {statistics.median(afterwards[address]):22.1f}"
        )
    gap = abs(statistics.median(answers[KNOWN]) - statistics.median(answers[UNKNOWN]))
    print(f"difference between the answers' medians: {gap:.1f} ms (target under {SLACK_MS} ms)")
    sys.exit(0 if gap < SLACK_MS else 1)


if __name__ == "__main__":
    main()

"""A real council's archive on the local stack (`make bench`).

Starts `sla-monitor local` as a person would, loads N = 50,000 cases into it with `sla-monitor
seed` (M = 50 of them due), and runs `sla-monitor check` against it:

1. one sweep alone: its time (the whole command, start-up included) against the 10 s target;
2. the same 50 cases made due again, then two sweeps started at once, as two overlapping
   schedules or a schedule and a staff step would: every message must be sent exactly once
   (SES's count of sent mail, each case's record and the two sweeps' own lines agree);
3. the staff workspace over HTTP, signed in as the Corporate Complaints Officer: signing in to
   the work list, then the work list's first page, a search by a case's reference and a search
   by a seeded resident's name, each against the 2 s target, beside the times the issue measured
   before the work list read from the shelves;
4. the local stack's memory (its peak resident size) against the 2 GB target.

The local stack is moto's server in the `sla-monitor local` process, with the emulator's fixes
(sla_monitor_local.emulator): without them a sweep at this size copied the whole table on every
save.
"""

from __future__ import annotations

import http.cookiejar
import json
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from datetime import UTC, datetime, timedelta
from pathlib import Path

CASES = int(os.environ.get("LOCAL_STACK_CASES", "50000"))
DUE = 50
SWEEP_TARGET_SECONDS = 10.0
MEMORY_TARGET_MB = 2048.0
PAGE_TARGET_SECONDS = 2.0
COMPLAINTS_OFFICER = "complaints@nwleicestershire.gov.uk"
# The figures before the work list read from the shelves, on `sla-monitor local` as the
# Corporate Complaints Officer, by open cases: 10, 1,000 and 50,000 (None: sign-in did not reach
# the work list within 30 s).
BEFORE = {
    "the work list's first page": (0.5, 9.5, None),
    "a search by reference": (0.4, 11.2, None),
    "a search by name": (0.6, 10.0, None),
}


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _command(*args: str) -> list[str]:
    return [sys.executable, "-m", "sla_monitor.cli.main", *args]


def _run(args: list[str], env: dict[str, str]) -> tuple[float, str]:
    started = time.perf_counter()
    done = subprocess.run(args, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(args[3:])} failed:\n{done.stdout}\n{done.stderr}")
    return seconds, done.stdout


def _peak_memory_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _sent_so_far(env: dict[str, str]) -> int:
    import boto3

    ses = boto3.client(
        "ses", endpoint_url=env["AWS_ENDPOINT_URL"], region_name=env["AWS_DEFAULT_REGION"]
    )
    return int(ses.get_send_quota()["SentLast24Hours"])


def _acknowledgements_recorded() -> dict[str, int]:
    from sla_monitor.runtime import services

    store = services().store
    return {
        f"NWL-LOAD-{n:07d}": sum(
            1
            for sent in store.get_case(f"NWL-LOAD-{n:07d}").sent  # type: ignore[union-attr]
            if sent.key == "acknowledge"
        )
        for n in range(1, DUE + 1)
    }


def main() -> int:
    with tempfile.TemporaryDirectory() as folder:
        info_file = Path(folder) / "local.json"
        stack = subprocess.Popen(  # noqa: S603
            _command(
                "local",
                "--port",
                str(_free_port()),
                "--aws-port",
                str(_free_port()),
                "--info",
                str(info_file),
            ),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        try:
            return _measure(stack, info_file)
        finally:
            stack.terminate()
            stack.wait(timeout=30)


def _measure(stack: subprocess.Popen[str], info_file: Path) -> int:
    started = time.perf_counter()
    while not info_file.exists():
        if stack.poll() is not None:
            raise SystemExit(
                f"sla-monitor local stopped:\n{stack.stderr.read() if stack.stderr else ''}"
            )
        if time.perf_counter() - started > 300:
            raise SystemExit("sla-monitor local did not start in 5 minutes")
        time.sleep(0.5)
    time.sleep(0.5)  # the file is written whole before the stack serves; give it a moment
    info = json.loads(info_file.read_text())
    os.environ.update(info["environment"])  # this process talks to the stack too
    env = dict(os.environ)
    print(f"The local stack (`sla-monitor local`) with {CASES:,} cases, {DUE} of them due.\n")

    # Whatever the stack's own sample cases owe now is sent first, so the sweeps below do only
    # the seeded cases' work.
    _run(_command("check"), env)
    now = datetime.now(UTC) + timedelta(minutes=1)
    at = now.isoformat()

    seed_seconds, _ = _run(
        _command("seed", "--cases", str(CASES), "--due", str(DUE), "--now", at), env
    )
    print(f"seeding {CASES:,} cases:                 {seed_seconds:7.1f} s")

    sent_before = _sent_so_far(env)
    alone_seconds, alone = _run(_command("check", "--now", at), env)
    alone_sent = _sent_so_far(env) - sent_before
    alone_emailed = sum(" emailed " in line for line in alone.splitlines())
    alone_ok = alone_seconds <= SWEEP_TARGET_SECONDS and alone_emailed == DUE
    print(
        f"one sweep of {DUE} due cases:             {alone_seconds:7.1f} s  "
        f"(target {SWEEP_TARGET_SECONDS:.0f} s, command start-up included; {alone_emailed} "
        f"emailed)  {'met' if alone_ok else 'MISSED'}"
    )

    from seeded_cases import make_due_again

    from sla_monitor.runtime import reset_services, services

    reset_services()  # this process's services, now for the stack
    make_due_again(services(), cases=CASES, due=DUE, now=now)
    sent_before = _sent_so_far(env)
    pair_started = time.perf_counter()
    sweeps = [
        subprocess.Popen(  # noqa: S603
            _command("check", "--now", at), env=env, stdout=subprocess.PIPE, text=True
        )
        for _ in range(2)
    ]
    outputs = [sweep.communicate()[0] for sweep in sweeps]
    pair_seconds = time.perf_counter() - pair_started
    sent = _sent_so_far(env) - sent_before
    emailed = [
        line.split()[0] for output in outputs for line in output.splitlines() if " emailed " in line
    ]
    recorded = _acknowledgements_recorded()
    # moto's SES counts recipients (each twice: the destinations and the To header), so the
    # pair's count is compared with the single sweep's for the same fifty letters.
    exactly_once = (
        sent == alone_sent and sorted(emailed) == sorted(recorded) and set(recorded.values()) == {1}
    )
    shares = " + ".join(str(sum(" emailed " in line for line in o.splitlines())) for o in outputs)
    verdict = "exactly once" if exactly_once else "NOT EXACTLY ONCE"
    print(
        f"two sweeps at once over {DUE} due cases:  {pair_seconds:7.1f} s  "
        f"(SES counted {sent} as for one sweep {alone_sent}; the sweeps emailed {shares}; "
        "each case recorded once: "
        f"{set(recorded.values()) == {1}})  {verdict}"
    )

    pages_ok = _staff_pages(info)

    peak = _peak_memory_mb(stack.pid)
    memory_ok = peak <= MEMORY_TARGET_MB
    print(
        f"the local stack's peak memory:          {peak:7.0f} MB  "
        f"(target {MEMORY_TARGET_MB:.0f} MB)  {'met' if memory_ok else 'MISSED'}"
    )
    return 0 if alone_ok and exactly_once and pages_ok and memory_ok else 1


class _Staff:
    """A browser of the workspace: a cookie jar, redirects followed, each answer timed."""

    def __init__(self, workspace: str) -> None:
        self.base = workspace.rstrip("/")
        self._opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        )

    def _open(self, path: str, data: bytes | None = None) -> tuple[float, str]:
        started = time.perf_counter()
        request = urllib.request.Request(self.base + path, data=data)  # noqa: S310 - local
        with self._opener.open(request, timeout=120) as answer:
            body = answer.read().decode()
            if answer.status != 200:
                raise SystemExit(f"{path} answered {answer.status}")
        return time.perf_counter() - started, body

    def get(self, path: str) -> tuple[float, str]:
        return self._open(path)

    def sign_in(self, email: str, password: str) -> tuple[float, str]:
        """The sign-in form, then signing in to the work list (where the workspace sends the
        Corporate Complaints Officer)."""
        _, form = self.get("/sign-in")
        found = re.search(r'name="csrf_token" value="([^"]+)"', form)
        if found is None:
            raise SystemExit("the sign-in page has no form")
        fields = {"csrf_token": found.group(1), "email": email, "password": password}
        return self._open("/sign-in", urllib.parse.urlencode(fields).encode())


def _staff_pages(info: dict[str, object]) -> bool:
    from sla_monitor_local.seeding import resident_name

    password = next(
        str(user["password"])
        for user in info["sign_ins"]  # type: ignore[attr-defined]
        if user["email"] == COMPLAINTS_OFFICER
    )
    reference = str(info["sample_cases"]["bins"])  # type: ignore[index]
    name = resident_name(CASES // 3)
    staff = _Staff(str(info["workspace"]))
    signing_in, page = staff.sign_in(COMPLAINTS_OFFICER, password)
    if 'class="govuk-table' not in page and "open cases" not in page:
        raise SystemExit("signing in did not reach the work list")
    print(
        f"signing in to the work list:            {signing_in:7.2f} s  "
        "(the Corporate Complaints Officer, over HTTP)"
    )
    asked = {
        "the work list's first page": "/cases",
        "a search by reference": f"/cases?q={reference}",
        "a search by name": f"/cases?{urllib.parse.urlencode({'q': name})}",
    }
    met = True
    for what, path in asked.items():
        # The median of three, each a whole request as a browser makes it.
        seconds = sorted(staff.get(path)[0] for _ in range(3))[1]
        ok = seconds <= PAGE_TARGET_SECONDS
        met &= ok
        ten, thousand, fifty = BEFORE[what]
        before = f"before: 10 cases {ten} s, 1,000 {thousand} s, 50,000 " + (
            "not reached in 30 s" if fifty is None else f"{fifty} s"
        )
        print(
            f"{what + ':':<40}{seconds:7.2f} s  (target {PAGE_TARGET_SECONDS:.0f} s; {before})"
            f"  {'met' if ok else 'MISSED'}"
        )
    return met


if __name__ == "__main__":
    sys.exit(main())

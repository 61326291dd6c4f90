"""What the demo writes besides its month's report: the mail SES sent and an HTML summary.

The promises kept are tallied by the reports (`sla_monitor.reports.compliance`), as every
report tallies them."""

from __future__ import annotations

import html
from dataclasses import dataclass
from email import message_from_bytes, policy
from pathlib import Path
from typing import Any

from sla_monitor.reports.compliance import PromiseTally
from sla_monitor.runtime import Services


@dataclass(frozen=True)
class SentMail:
    recipients: tuple[str, ...]
    subject: str
    raw: bytes


def mail_sent_through_ses(services: Services) -> list[SentMail]:
    """Every message the embedded SES accepted, in the order it was sent."""
    from moto.core import DEFAULT_ACCOUNT_ID
    from moto.ses.models import ses_backends

    backend = ses_backends[DEFAULT_ACCOUNT_ID][services.settings.aws_region]
    sent = []
    for message in backend.sent_messages:
        raw: Any = getattr(message, "raw_data", None)
        if raw is None:
            continue
        data = raw.encode("utf-8") if isinstance(raw, str) else bytes(raw)
        parsed = message_from_bytes(data, policy=policy.default)
        sent.append(
            SentMail(
                recipients=tuple(getattr(message, "destinations", ()) or ()),
                subject=str(parsed.get("Subject", "")),
                raw=data,
            )
        )
    return sent


def write_mail(mail: list[SentMail], folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("*.eml"):
        old.unlink()
    for number, message in enumerate(mail, start=1):
        (folder / f"{number:03d}.eml").write_bytes(message.raw)


def write_html_summary(
    path: Path,
    *,
    council: str,
    days: list[tuple[str, list[tuple[str, str, str]]]],
    tallies: list[PromiseTally],
    mail_count: int,
) -> None:
    """A page a person can open: the promises kept, then the month day by day."""
    rows = "".join(
        f"<tr><td>{html.escape(t.description)}</td><td>{t.tally.fell_due}</td>"
        f"<td>{t.tally.kept_on_time}</td><td>{t.tally.kept_late}</td><td>{t.tally.breached}</td>"
        f"<td>{t.tally.open}</td></tr>"
        for t in tallies
    )
    timeline = "".join(
        f"<h3>{html.escape(day)}</h3><ul>"
        + "".join(
            f'<li class="{html.escape(kind)}"><time>{html.escape(time)}</time> '
            f"{html.escape(text)}</li>"
            for time, text, kind in lines
        )
        + "</ul>"
        for day, lines in days
    )
    path.write_text(
        f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<title>{html.escape(council)}: a month of promises</title>
<style>
body {{ font-family: Arial, sans-serif; margin: 2rem auto; max-width: 60rem; color: #0b0c0c; }}
table {{ border-collapse: collapse; width: 100%; }}
th, td {{ border-bottom: 1px solid #b1b4b6; padding: .4rem; text-align: left; }}
li {{ margin: .2rem 0; }} time {{ font-weight: bold; margin-right: .5rem; }}
li.breach {{ color: #d4351c; }} li.triage {{ color: #505a5f; }} li.sent {{ color: #00703c; }}
</style></head><body>
<h1>{html.escape(council)}</h1>
<h2>Promises kept over the month</h2>
<table><thead><tr><th>Promise</th><th>Fell due</th><th>Kept on time</th><th>Kept late</th>
<th>Breached, still open</th><th>Not yet due</th></tr></thead><tbody>{rows}</tbody></table>
<p>{mail_count} messages were sent through SES; each is in the mail folder beside this page.</p>
<h2>Day by day</h2>
{timeline}
</body></html>
""",
        encoding="utf-8",
    )

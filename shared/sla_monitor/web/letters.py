"""A letter's PDF as either site answers it: a download named for the case and the letter."""

from __future__ import annotations

import re
from collections.abc import Mapping

from sla_monitor.web.http.messages import WebResponse


def letter_filename(reference: str, key: str) -> str:
    """`NWL-2026-000123-formal-response-3.pdf`: the case and the letter, nothing else."""
    return f"{reference}-{re.sub(r'[^A-Za-z0-9]+', '-', key).strip('-')}.pdf"


def pdf_response(data: bytes, filename: str, headers: Mapping[str, str]) -> WebResponse:
    return WebResponse(
        status=200,
        body="",
        data=data,
        content_type="application/pdf",
        headers={
            **headers,
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Cache-Control": "no-store",
        },
        log_message="letter downloaded",
    )

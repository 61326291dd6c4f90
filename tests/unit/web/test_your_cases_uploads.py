"""Files residents send are written once: a submission sent again (the same form, or a forged
repeat of its id) never replaces a stored file, so what staff are shown and what the virus scan
reads are the bytes the case names."""

from __future__ import annotations

import pytest

from sla_monitor.mail.raw_mail import InMemoryRawMailStore
from sla_monitor.residents import StepNotAvailable
from sla_monitor.web.your_cases.uploads import Upload, keep_uploads

SUBMISSION = "0123456789abcdef0123456789abcdef"


def test_a_file_sent_again_under_the_same_submission_never_replaces_the_first():
    bucket = InMemoryRawMailStore()
    first = Upload("photo.png", "image/png", b"the photo of the damp")
    [kept] = keep_uploads([first], submission_id=SUBMISSION, raw_mail=bucket)

    # Refused as a step the resident can take again from a fresh form (a new submission).
    with pytest.raises(StepNotAvailable, match="Select them again"):
        keep_uploads(
            [Upload("photo.png", "image/png", b"something else entirely, and longer")],
            submission_id=SUBMISSION,
            raw_mail=bucket,
        )

    stored = bucket.objects[(bucket.bucket, kept.s3_key)]
    assert stored.content == first.content
    assert kept.size == len(stored.content)

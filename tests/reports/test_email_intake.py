"""E-mail intake against a real SMTP server process: `forewarn reports smtp-intake` started
as a subprocess, messages sent with smtplib. A GPS-tagged photo ends as a report whose working
copy has no GPS; the rate limit, spam rules, refused attachments and redeliveries are answered
in the SMTP conversation. The message parsing is also checked on its own."""

import io
import os
import smtplib
import socket
import subprocess
import sys
import time
from email.message import EmailMessage
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import select
from sqlalchemy.orm import Session

from forewarn.evidence.storage import BlobStore
from forewarn.reports.email_intake import EmailChannel, parse
from forewarn.reports.models import Report
from forewarn.reports.storage import sha256, working_store
from forewarn.security import SYSTEM, set_principal

from .conftest import gps_jpeg

ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp_intake(engine, test_key):
    """The intake server as its own process (the command an operator runs)."""
    port = _free_port()
    env = os.environ | {
        "PYTHONPATH": str(ROOT), "FOREWARN_DATA_DIR": str(test_key.data_dir),
        "FOREWARN_DATABASE_URL": engine.url.render_as_string(hide_password=False),
        "FOREWARN_REPORTS_RATE_LIMIT": "3", "FOREWARN_SCHEDULER": "false"}
    proc = subprocess.Popen(
        [sys.executable, "-c", "from forewarn.cli import app; app()", "reports",
         "smtp-intake", "--port", str(port), "--recipient", "report@forewarn.example"],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 60
    while True:
        assert proc.poll() is None, proc.stdout.read().decode()[-2000:]
        try:
            with smtplib.SMTP("127.0.0.1", port, timeout=5) as probe:
                probe.noop()
            break
        except OSError:
            assert time.monotonic() < deadline, "the SMTP intake did not start"
            time.sleep(0.2)
    yield port, test_key.data_dir
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()


def _mail(sender="witness@example.org", subject="Tawila market", body="", photo=None,
          **headers) -> EmailMessage:
    msg = EmailMessage()
    msg["From"], msg["To"], msg["Subject"] = sender, "report@forewarn.example", subject
    for k, v in headers.items():
        msg[k.replace("_", "-")] = v
    msg.set_content(body or "Country: SDN\nWhen: last night\n\nArmed men set fire to the "
                    "market stalls and shot at people who ran.\n-- \nsent from my phone")
    if photo:
        msg.add_attachment(photo, maintype="image", subtype="jpeg", filename="IMG_2231.jpg")
    return msg


def _send(port, msg):
    with smtplib.SMTP("127.0.0.1", port, timeout=30) as smtp:
        return smtp.send_message(msg)


def test_email_with_gps_photo_becomes_a_report_with_stripped_copy(smtp_intake, engine):
    port, data_dir = smtp_intake
    photo = gps_jpeg()
    assert _send(port, _mail(photo=photo, Message_ID="<m1@example.org>")) == {}
    with Session(engine) as s:
        set_principal(s, SYSTEM)
        report = s.scalars(select(Report)).one()
        assert report.channel == "email" and report.status == "new"
        assert report.place == "Tawila market" and report.occurred_note == "last night"
        assert report.occurred_precision == "approximate"
        assert "shot at people" in report.what and "sent from my phone" not in report.what
        assert report.contact == "witness@example.org" and not report.contact_consent
        assert str(report.sensitivity) in ("restricted", "Sensitivity.restricted")
        (att,) = report.attachments
        assert att.sha256 == sha256(photo) and att.metadata_stripped
        working = working_store(data_dir).get(att.working_sha256)
        # The unstripped original is an evidentiary source, sealed at rest.
        assert att.source_id is not None
        assert BlobStore(Path(data_dir) / "evidence").read(att.sha256) == photo
    exif = Image.open(io.BytesIO(working)).getexif()
    assert not exif.get_ifd(0x8825) and 0x010F not in exif  # no GPS, no camera make
    assert Image.open(io.BytesIO(working)).size == Image.open(io.BytesIO(photo)).size

    # The same message delivered again (a mail server's retry) is not a second report.
    assert _send(port, _mail(photo=photo, Message_ID="<m1@example.org>")) == {}
    with Session(engine) as s:
        set_principal(s, SYSTEM)
        assert len(s.scalars(select(Report)).all()) == 1


def test_smtp_refusals_spam_type_mailbox_and_rate(smtp_intake, engine):
    port, _ = smtp_intake
    with pytest.raises(smtplib.SMTPDataError) as spam:
        _send(port, _mail(X_Spam_Flag="YES"))
    assert spam.value.smtp_code == 550 and b"spam" in spam.value.smtp_error
    exe = _mail()
    exe.add_attachment(b"MZ" + bytes(200), maintype="application", subtype="octet-stream",
                       filename="tool.exe")
    with pytest.raises(smtplib.SMTPDataError) as refused:
        _send(port, exe)
    assert refused.value.smtp_code == 554 and b"not accepted" in refused.value.smtp_error
    wrong = _mail()
    wrong.replace_header("To", "someone@forewarn.example")
    with pytest.raises(smtplib.SMTPRecipientsRefused):
        _send(port, wrong)
    # The limit is 3 per sender (FOREWARN_REPORTS_RATE_LIMIT) and counts every attempt.
    with pytest.raises(smtplib.SMTPDataError) as limited:
        _send(port, _mail(sender="busy@example.org"))
        _send(port, _mail(sender="busy@example.org"))
        _send(port, _mail(sender="busy@example.org"))
        _send(port, _mail(sender="busy@example.org"))
    assert limited.value.smtp_code == 450
    assert _send(port, _mail(sender="other@example.org")) == {}
    with Session(engine) as s:
        set_principal(s, SYSTEM)
        assert len(s.scalars(select(Report)).all()) == 4


def test_parsing_fields_in_other_languages_and_html():
    msg = EmailMessage()
    msg["From"], msg["Subject"] = "x@example.org", "Urgent"
    msg.set_content("<p>Lieu : Kutum</p><p>Pays: TCD</p><p>Date: 2026-01-05</p>"
                    "<p>Des hommes armés ont attaqué le convoi.</p>", subtype="html")
    msg["Content-Language"] = "fr"  # after set_content, which replaces content headers
    report = EmailChannel().to_report(parse(msg.as_bytes()))
    assert report.language == "fr" and report.country == "TCD" and report.place == "Kutum"
    assert report.occurred_at.date().isoformat() == "2026-01-05"
    assert report.occurred_precision == "day" and "convoi" in report.what


def test_intake_rate_limit_is_held_in_the_database_across_processes(engine, test_key):
    """The intake's per-sender limit lives in the database (as the web's rate limits do), so
    a second intake process, or a restart, does not start the sender's allowance afresh."""
    from forewarn.reports.channels import InboundMessage, Intake, Refused
    from forewarn.security.deps import LIMITERS
    from forewarn.security.models import RateLimitBucket
    from forewarn.settings import ReportSettings
    from forewarn.store.db import session_factory

    limits = ReportSettings(rate_limit=2)
    channel = EmailChannel()
    # Spam-flagged messages spend the sender's allowance (the limit counts every attempt)
    # without storing a report.
    spam = InboundMessage(channel="email", sender="busy@example.org", text="x" * 40,
                          spam_flagged=True)

    def attempt() -> str:
        intake = Intake(session_factory(engine), test_key.data_dir, limits)
        try:
            intake.accept(spam, channel)
        except Refused as exc:
            return exc.kind
        return "accepted"

    LIMITERS.pop("reports-email", None)
    assert [attempt(), attempt(), attempt()] == ["spam", "spam", "rate"]
    LIMITERS.pop("reports-email", None)  # another process: nothing held in this one's memory
    assert attempt() == "rate"
    with Session(engine) as s:
        set_principal(s, SYSTEM)
        assert s.scalars(select(RateLimitBucket).where(
            RateLimitBucket.name == "reports-email")).all()

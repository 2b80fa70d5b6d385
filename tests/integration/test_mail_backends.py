"""The other ways of sending email: to the log, to .eml files, and refusing an
unknown backend."""

import logging
import re
from email import message_from_bytes, policy

import pytest

from commission.mail import Email, MailError, build_message, send

MESSAGE = Email(to="joanna.pike@example.gov.uk", subject="Reset your password", body="Hello\n")


@pytest.fixture
def backend(app):
    original = app.config["MAIL_BACKEND"], app.config["MAIL_OUTBOX_DIR"]

    def use(name, **settings):
        app.config["MAIL_BACKEND"] = name
        app.config.update(settings)

    yield use
    app.config["MAIL_BACKEND"], app.config["MAIL_OUTBOX_DIR"] = original


def test_message_has_sender_recipient_subject_and_id():
    message = build_message(MESSAGE, "Commission <no-reply@commission.localhost>")
    assert message["From"] == "Commission <no-reply@commission.localhost>"
    assert message["To"] == "joanna.pike@example.gov.uk"
    assert message["Subject"] == "Reset your password"
    assert message["Message-ID"].endswith("@commission.localhost>")
    assert message["Date"] is not None
    assert message.get_content() == "Hello\n"


def test_the_message_id_uses_the_senders_domain():
    message = build_message(MESSAGE, "Local Government Commission <no-reply@lgc.example.gov.uk>")
    assert message["Message-ID"].endswith("@lgc.example.gov.uk>")
    assert message["Date"].datetime.tzinfo is not None


def test_long_headers_stay_valid_and_the_unsubscribe_address_stays_whole():
    subject = "Closing soon: “The English Deal — devolution to strategic authorities” for councils"
    address = "<https://commission.example.gov.uk/unsubscribe/" + "t" * 180 + ">"
    email = Email(
        to="joanna.pike@example.gov.uk",
        subject=subject,
        body="Hello",
        headers=(("List-Unsubscribe", address),),
    )
    raw = build_message(email, "no-reply@lgc.example.gov.uk").as_bytes()
    lines = raw.decode("ascii").splitlines()
    assert f"List-Unsubscribe: {address}" in lines
    # Encoded words stay within RFC 2047's 75 characters, on folded lines.
    assert all(len(word) <= 75 for word in re.findall(r"=\?utf-8\?[qb]\?[^?]*\?=", raw.decode()))
    assert all(len(line) <= 78 for line in lines if not line.startswith("List-Unsubscribe:"))
    parsed = message_from_bytes(raw, policy=policy.default)
    assert parsed["Subject"] == subject
    assert parsed["List-Unsubscribe"] == address


def test_memory_backend_keeps_the_message(app_ctx, outbox):
    send(MESSAGE)
    [message] = outbox
    assert message["To"] == MESSAGE.to


def test_outbox_backend_writes_an_eml_file(app_ctx, backend, tmp_path):
    backend("outbox", MAIL_OUTBOX_DIR=str(tmp_path / "outbox"))
    send(MESSAGE)
    [saved] = (tmp_path / "outbox").glob("*.eml")
    assert saved.name.endswith("-joanna.pike_at_example.gov.uk.eml")
    message = message_from_bytes(saved.read_bytes(), policy=policy.default)
    assert message["Subject"] == "Reset your password"
    assert message.get_content() == "Hello\n"


def test_log_backend_writes_the_whole_message_to_the_log(app, app_ctx, backend, caplog):
    backend("log")
    app.logger.propagate = True
    try:
        with caplog.at_level(logging.INFO, logger=app.logger.name):
            send(MESSAGE)
    finally:
        app.logger.propagate = False
    logged = [r.getMessage() for r in caplog.records if "email not sent" in r.getMessage()]
    assert logged
    assert "to=joanna.pike@example.gov.uk" in logged[0]
    assert "Hello" in logged[0]


def test_unknown_backend_is_refused(app_ctx, backend):
    backend("carrier-pigeon")
    with pytest.raises(MailError, match="Unknown MAIL_BACKEND"):
        send(MESSAGE)

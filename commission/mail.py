"""Sending email.

The backend comes from ``MAIL_BACKEND``:

- ``smtp``: through the SMTP server in ``MAIL_SERVER``/``MAIL_PORT`` (with
  optional TLS and login), the production default;
- ``log``: the whole message written to the log, the development default, so a
  developer can follow an invitation link without a mail server;
- ``outbox``: each message saved as an ``.eml`` file in ``MAIL_OUTBOX_DIR``;
- ``memory``: kept in a list on the app, for tests.
"""

from __future__ import annotations

import re
import smtplib
import ssl
from dataclasses import dataclass
from email.headerregistry import BaseHeader, HeaderRegistry, UnstructuredHeader
from email.message import EmailMessage
from email.policy import default as default_policy
from email.utils import format_datetime, make_msgid, parseaddr
from pathlib import Path
from typing import Any

from flask import Flask, current_app

from commission.timeutil import now_utc


class MailError(RuntimeError):
    """The message could not be handed to the mail server."""


@dataclass(frozen=True)
class Email:
    to: str
    subject: str
    body: str
    html: str | None = None
    headers: tuple[tuple[str, str], ...] = ()


class UnfoldedHeader(UnstructuredHeader, BaseHeader):
    """A header written out as it is, on one line. A List-Unsubscribe address
    must stay a plain ``<URL>`` for mail clients to use it, and the default
    folding RFC 2047-encodes one longer than a line."""

    def fold(self, *, policy: Any) -> str:
        return f"{self.name}: {self}{policy.linesep}"


_headers = HeaderRegistry()
_headers.map_to_type("list-unsubscribe", UnfoldedHeader)
POLICY = default_policy.clone(header_factory=_headers)


def build_message(email: Email, sender: str) -> EmailMessage:
    message = EmailMessage(policy=POLICY)
    message["From"] = sender
    message["To"] = email.to
    message["Subject"] = email.subject
    message["Date"] = format_datetime(now_utc())
    # The sender's own domain, so receiving servers can tie the message to it.
    address = parseaddr(sender)[1]
    domain = address.rpartition("@")[2] if "@" in address else "commission.localhost"
    message["Message-ID"] = make_msgid(domain=domain)
    for name, value in email.headers:
        message[name] = value
    message.set_content(email.body)
    if email.html:
        message.add_alternative(email.html, subtype="html")
    return message


def init_app(app: Flask) -> None:
    app.extensions["mail_outbox"] = []


def send(email: Email) -> None:
    config = current_app.config
    backend = config["MAIL_BACKEND"]
    message = build_message(email, config["MAIL_DEFAULT_SENDER"])
    if backend == "memory":
        current_app.extensions["mail_outbox"].append(message)
    elif backend == "log":
        _log_email(email)
    elif backend == "outbox":
        folder = Path(config["MAIL_OUTBOX_DIR"])
        folder.mkdir(parents=True, exist_ok=True)
        name = f"{now_utc():%Y%m%dT%H%M%S%f}-{email.to.replace('@', '_at_')}.eml"
        (folder / name).write_bytes(bytes(message))
        current_app.logger.info("email saved to outbox file=%s to=%s", name, email.to)
    elif backend == "smtp":
        _send_smtp(message)
    else:
        raise MailError(f"Unknown MAIL_BACKEND {backend!r}")


LINK = re.compile(r"https?://[^\s<>\"')\]]+")


def _log_email(email: Email) -> None:
    """The whole message in one log line, then each link in it in a line of
    its own whose message is the link alone, so an invitation or reset link is
    easy to find and copy from the terminal."""
    current_app.logger.info(
        "email not sent (MAIL_BACKEND=log) to=%s subject=%r\n%s",
        email.to,
        email.subject,
        email.body,
    )
    for link in dict.fromkeys(found.rstrip(".,;:!?") for found in LINK.findall(email.body)):
        current_app.logger.info("%s", link, extra={"to": email.to})


def _send_smtp(message: EmailMessage) -> None:
    config = current_app.config
    host, port, timeout = config["MAIL_SERVER"], config["MAIL_PORT"], config["MAIL_TIMEOUT"]
    try:
        client: smtplib.SMTP
        if config["MAIL_USE_SSL"]:
            client = smtplib.SMTP_SSL(
                host, port, timeout=timeout, context=ssl.create_default_context()
            )
        else:
            client = smtplib.SMTP(host, port, timeout=timeout)
        with client:
            if config["MAIL_USE_TLS"] and not config["MAIL_USE_SSL"]:
                client.starttls(context=ssl.create_default_context())
            if config["MAIL_USERNAME"]:
                client.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"] or "")
            client.send_message(message)
    except (OSError, smtplib.SMTPException) as error:
        current_app.logger.error("email could not be sent to=%s error=%s", message["To"], error)
        raise MailError(str(error)) from error
    current_app.logger.info("email sent to=%s subject=%r", message["To"], message["Subject"])

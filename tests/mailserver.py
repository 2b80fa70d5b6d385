"""A real SMTP server on localhost (aiosmtpd) for tests that send mail, and
a fixture that switches the app to the SMTP backend for one test."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

import pytest
from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class CollectingHandler:
    """Keeps every message the server accepts."""

    def __init__(self) -> None:
        self.envelopes: list[Any] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.envelopes.append(envelope)
        return "250 Message accepted for delivery"

    def messages(self) -> list[EmailMessage]:
        return [
            message_from_bytes(e.content, policy=policy.default)  # type: ignore[misc]
            for e in self.envelopes
        ]

    def recipients(self) -> list[str]:
        return [address for e in self.envelopes for address in e.rcpt_tos]


class MailServer:
    """A local SMTP server that a test can stop and start again."""

    def __init__(self, config: dict[str, Any]) -> None:
        self.config = config
        self.controller: Controller | None = None
        self.handler = CollectingHandler()

    def start(self) -> CollectingHandler:
        self.handler = CollectingHandler()
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=free_port())
        self.controller.start()
        self.config["MAIL_PORT"] = self.controller.port
        return self.handler

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


@pytest.fixture
def smtp_config(app: Any) -> Iterator[dict[str, Any]]:
    """Switch the app to the SMTP backend for one test, then put it back.
    Until a server starts, ``MAIL_PORT`` is a port where nothing listens."""
    keys = ("MAIL_BACKEND", "MAIL_SERVER", "MAIL_PORT", "MAIL_TIMEOUT")
    original = {key: app.config[key] for key in keys}
    app.config.update(
        MAIL_BACKEND="smtp", MAIL_SERVER="127.0.0.1", MAIL_PORT=free_port(), MAIL_TIMEOUT=5
    )
    yield app.config
    app.config.update(original)


@pytest.fixture
def mail_server(smtp_config: dict[str, Any]) -> Iterator[MailServer]:
    server = MailServer(smtp_config)
    server.start()
    try:
        yield server
    finally:
        server.stop()

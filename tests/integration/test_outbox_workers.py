"""Two workers sending the outbox at once: a message one worker has claimed
is skipped by the other, so nobody receives it twice. Row locks are
PostgreSQL's (a deployment runs workers there); SQLite has one writer."""

from __future__ import annotations

from collections.abc import Iterator

import flask_migrate
import pytest
from flask import Flask
from sqlalchemy import select

from commission.extensions import db
from commission.notifications import services
from commission.notifications.models import OutboxMessage, OutboxStatus, Topic
from tests.conftest import TEST_DATABASE_URL, separate_database_app

pytestmark = pytest.mark.skipif(
    not TEST_DATABASE_URL, reason="row locks need PostgreSQL (TEST_DATABASE_URL)"
)


@pytest.fixture
def committing_app(tmp_path) -> Iterator[Flask]:
    with separate_database_app(tmp_path, "outbox_workers") as app:
        flask_migrate.upgrade()
        yield app


def queued(recipient: str) -> OutboxMessage:
    return OutboxMessage(
        recipient=recipient,
        topic=Topic.MEETINGS,
        template="agenda_published",
        subject="Agenda published",
        body_text="The agenda is published.",
        body_html="<p>The agenda is published.</p>",
    )


def test_a_message_another_worker_is_sending_is_skipped(committing_app, monkeypatch):
    first, second = queued("first@example.gov.uk"), queued("second@example.gov.uk")
    db.session.add_all([first, second])
    db.session.commit()
    first_id = first.id
    handed_over: list[str] = []
    monkeypatch.setattr(services, "send", lambda email: handed_over.append(email.to))

    with db.engine.connect() as other_worker, other_worker.begin() as sending:
        other_worker.execute(
            select(OutboxMessage.id).where(OutboxMessage.id == first_id).with_for_update()
        )
        assert services.deliver_due() == (1, 0)
        assert handed_over == ["second@example.gov.uk"]
        sending.rollback()  # the other worker gave up without sending

    assert services.deliver_due() == (1, 0)
    assert services.deliver_due() == (0, 0)
    assert handed_over == ["second@example.gov.uk", "first@example.gov.uk"]
    db.session.expire_all()
    assert {m.status for m in db.session.execute(select(OutboxMessage)).scalars()} == {
        OutboxStatus.SENT
    }

"""The change counter moves on with every committed change to the records,
and only then; a live summary's figures are kept under it, so they are
computed once while nothing changes and never shown out of date."""

from __future__ import annotations

import pytest
from sqlalchemy import update

from commission import changes
from commission.auth.roles import Role
from commission.consultations.models import Position
from commission.exports.cache import cache_key, keep
from commission.extensions import db
from commission.membership.models import Authority
from commission.summaries import views as summary_views
from tests import factories
from tests.conftest import page


def sign_in(client, user) -> None:
    with client.session_transaction() as session:
        session["_user_id"] = user.get_id()
        session["_fresh"] = True


@pytest.mark.parametrize(
    ("statement", "writes"),
    [
        ("INSERT INTO responses (consultation_id) VALUES (?)", True),
        ('UPDATE "authorities" SET name=%(name)s', True),
        ("DELETE FROM answer_tags WHERE id = 1", True),
        ("INSERT OR IGNORE INTO memberships (authority_id) VALUES (1)", True),
        ("INSERT INTO download_cache (key) VALUES (?) ON CONFLICT DO NOTHING", False),
        ("INSERT INTO audit_events (action) VALUES (?)", False),
        ("UPDATE outbox_messages SET sent_at = ?", False),
        ("SELECT authorities.updated_at FROM authorities FOR UPDATE", False),
        ("WITH a AS MATERIALIZED (SELECT 1) SELECT * FROM a", False),
        ("WITH a AS (SELECT 1) INSERT INTO tags (name) SELECT 'x'", True),
        ("SAVEPOINT sa_savepoint_1", False),
        ("CREATE TABLE anything (id INTEGER)", True),
    ],
)
def test_which_statements_change_the_records(statement, writes):
    assert changes.writes_a_record(statement) is writes


def test_a_committed_change_moves_the_counter_on_once(app_ctx):
    db.session.commit()
    before = changes.current()

    factories.council(name="Ashford")
    factories.council(name="Barton")
    db.session.commit()
    after_change = changes.current()
    db.session.commit()

    assert after_change == before + 1
    assert changes.current() == after_change


def test_bulk_statements_move_it_too(app_ctx):
    authority = factories.council(name="Ashford")
    db.session.commit()
    before = changes.current()

    db.session.execute(update(Authority).where(Authority.id == authority.id).values(name="Ash"))
    db.session.commit()

    assert changes.current() == before + 1


def test_reads_and_kept_files_do_not(client, app_ctx):
    factories.council(name="Ashford")
    db.session.commit()
    before = changes.current()

    assert client.get("/authorities").status_code == 200
    keep(key=cache_key("t"), subject="t", content_type="text/csv", filename="t", body=b"a")
    db.session.commit()

    assert changes.current() == before


def refuse(*args, **kwargs):
    raise AssertionError("computed again while nothing had changed")


def test_live_figures_are_kept_while_nothing_changes_and_a_new_response_shows_at_once(
    client, monkeypatch
):
    consultation = factories.consultation(questions=2)
    for name, position in (("Ashford", Position.SUPPORT), ("Barton", Position.OPPOSE)):
        factories.submitted_response(
            consultation=consultation, authority=factories.council(name=name), position=position
        )
    sign_in(client, factories.user(role=Role.SECRETARIAT))
    db.session.commit()
    url = f"/consultations/{consultation.reference}/summary"
    first = page(client.get(url))
    assert "2 of 2 member authorities have submitted" in first.get_text(" ", strip=True)

    monkeypatch.setattr(summary_views, "compute_summary", refuse)
    kept = client.get(url)
    assert kept.status_code == 200
    assert "2 of 2 member authorities" in kept.get_data(as_text=True)

    monkeypatch.undo()
    factories.submitted_response(
        consultation=consultation,
        authority=factories.council(name="Carlow"),
        position=Position.NEUTRAL,
    )
    db.session.commit()
    text = page(client.get(url)).get_text(" ", strip=True)

    assert "3 of 3 member authorities have submitted" in text


def test_kept_figures_are_shown_only_to_those_who_may_see_live_figures(client):
    consultation = factories.consultation(questions=1)
    factories.submitted_response(
        consultation=consultation, authority=factories.council(name="Ashford")
    )
    sign_in(client, factories.user(role=Role.SECRETARIAT))
    db.session.commit()
    url = f"/consultations/{consultation.reference}/summary"
    assert client.get(url).status_code == 200

    for role in (Role.LEADER, None):
        with client.session_transaction() as session:
            session.clear()
        if role is not None:
            sign_in(client, factories.user(role=role))
        assert client.get(url).status_code == 404

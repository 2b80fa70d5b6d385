"""Every change on the record: the fields each audited change made, with old
and new values (secrets never), the refusal of a change that records nothing,
the log's filters by record, person and day, and each record's history."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from commission.audit.models import AuditEvent, AuditRecord
from commission.audit.trail import UnrecordedChange
from commission.auth.roles import Role
from commission.extensions import db
from commission.membership.models import Authority
from tests import factories
from tests.factories import PASSWORD, london_time
from tests.pages import (
    error_summary,
    expect,
    heading,
    main_text,
    ok,
    page,
    read_csv,
    table_records,
)


@pytest.fixture
def secretariat(login_as):
    person = login_as(Role.SECRETARIAT, full_name="Sam Secretariat")
    db.session.commit()
    return person


@pytest.fixture
def meeting():
    return factories.meeting(starts_at=london_time(date(2027, 7, 13), 10, 30), minutes=150)


def item_data(**overrides) -> dict:
    return {
        "kind": "discussion",
        "title": "Finance",
        "duration_minutes": "30",
        "presenter": "Treasury",
        "description": "",
        "confidential": "",
        **overrides,
    }


def records_for(action: str) -> list[AuditRecord]:
    event = (
        db.session.execute(
            select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id.desc())
        )
        .scalars()
        .first()
    )
    assert event is not None, f"no {action} event"
    return list(
        db.session.execute(
            select(AuditRecord).where(AuditRecord.event_id == event.id).order_by(AuditRecord.id)
        ).scalars()
    )


def test_changing_an_agenda_item_records_the_fields_with_old_and_new_values(
    client, secretariat, meeting
):
    item = factories.agenda_item(meeting=meeting, title="Finance", presenter="Treasury")
    db.session.commit()
    expect(
        client.post(
            f"/meetings/{meeting.slug}/agenda/items/{item.id}/edit",
            data=item_data(title="Finance update", duration_minutes="20", presenter=""),
        ),
        302,
        location=f"/meetings/{meeting.slug}/agenda",
    )
    [record] = records_for("agenda_item_changed")
    assert (record.record_type, record.record_key, record.operation) == (
        "agenda_items",
        str(item.id),
        "changed",
    )
    assert record.fields == {
        "title": ["Finance", "Finance update"],
        "duration_minutes": [30, 20],
        "presenter": ["Treasury", None],
    }
    event = db.session.get(AuditEvent, record.event_id)
    assert (event.subject_type, event.subject_id, event.actor_id) == (
        "agenda_items",
        item.id,
        secretariat.id,
    )


def test_adding_and_removing_an_item_record_every_field_and_what_was_there(
    client, secretariat, meeting
):
    expect(client.post(f"/meetings/{meeting.slug}/agenda/items/new", data=item_data()), 302)
    [added] = records_for("agenda_item_added")
    assert added.operation == "added"
    assert added.fields["title"] == [None, "Finance"]
    assert added.fields["meeting_id"] == [None, meeting.id]
    item_id = int(added.record_key)
    expect(client.post(f"/meetings/{meeting.slug}/agenda/items/{item_id}/remove"), 302)
    [removed] = [r for r in records_for("agenda_item_removed") if r.record_type == "agenda_items"]
    assert removed.operation == "removed"
    assert removed.fields["title"] == ["Finance", None]


def test_a_password_change_is_recorded_without_the_password_hash(client, login_as):
    person = login_as(Role.OFFICER)
    db.session.commit()
    old_hash = person.password_hash
    expect(
        client.post(
            "/account/password",
            data={
                "current_password": PASSWORD,
                "password": "a-brand-new-passphrase-2027",
                "confirm": "a-brand-new-passphrase-2027",
            },
        ),
        302,
    )
    records = (
        db.session.execute(
            select(AuditRecord).where(
                AuditRecord.record_type == "users", AuditRecord.record_key == str(person.id)
            )
        )
        .scalars()
        .all()
    )
    changed = [r for r in records if "password_hash" in r.fields]
    assert changed, "the password change is on the record"
    for record in changed:
        assert record.fields["password_hash"] == [None, None]
        assert record.fields.get("session_token", [None, None]) == [None, None]
    db.session.refresh(person)
    every_value = str([r.fields for r in records])
    assert old_hash not in every_value
    assert person.password_hash not in every_value


def test_secret_columns_are_marked_so_their_values_never_reach_the_trail():
    unmarked = [
        f"{table.name}.{column.name}"
        for table in db.metadata.sorted_tables
        for column in table.columns
        if re.search(r"(hash|token|nonce|secret|password)$", column.name)
        and not column.info.get("secret")
    ]
    assert unmarked == []


def test_a_request_that_changes_records_without_recording_is_refused_in_strict_mode(app, app_ctx):
    with app.test_request_context("/somewhere", method="POST"):
        factories.council(name="Unrecorded Council")
        with pytest.raises(UnrecordedChange, match="POST /somewhere changed authorities"):
            db.session.commit()
        db.session.rollback()


def test_otherwise_an_unrecorded_change_is_recorded_as_one_with_what_it_changed(
    app, app_ctx, monkeypatch
):
    monkeypatch.setitem(app.config, "AUDIT_STRICT", False)
    with app.test_request_context("/somewhere", method="POST"):
        council = factories.council(name="Unrecorded Council")
        db.session.commit()
    event = db.session.execute(
        select(AuditEvent).where(AuditEvent.action == "unrecorded_change")
    ).scalar_one()
    assert "POST /somewhere" in event.summary
    records = (
        db.session.execute(select(AuditRecord).where(AuditRecord.event_id == event.id))
        .scalars()
        .all()
    )
    assert ("authorities", str(council.id), "added") in {
        (r.record_type, r.record_key, r.operation) for r in records
    }


def test_changes_made_outside_a_request_are_not_refused(app_ctx):
    factories.council(name="Loaded By A Command")
    db.session.commit()
    assert db.session.execute(
        select(Authority).where(Authority.name == "Loaded By A Command")
    ).scalar_one()


# The log's filters ----------------------------------------------------------------------------


def change_two_items(client, meeting):
    first = factories.agenda_item(meeting=meeting, title="First", presenter="Treasury")
    second = factories.agenda_item(meeting=meeting, title="Second", presenter="Treasury")
    db.session.commit()
    for item, title in ((first, "First again"), (second, "Second again")):
        expect(
            client.post(
                f"/meetings/{meeting.slug}/agenda/items/{item.id}/edit",
                data=item_data(title=title),
            ),
            302,
        )
    return first, second


def summaries(response) -> list[str]:
    return [row["What happened"] for row in table_records(response)]


def test_filtering_by_record_shows_what_was_about_it_or_changed_it(client, secretariat, meeting):
    first, _ = change_two_items(client, meeting)
    shown = ok(client.get(f"/audit?record_type=agenda_items&record_id={first.id}"))
    assert len(summaries(shown)) == 1
    assert "“First again”" in summaries(shown)[0]
    assert "Title: First changed to → First again" in " ".join(main_text(shown).split())


def test_filtering_by_who_and_by_day(client, secretariat, meeting, login_as):
    change_two_items(client, meeting)
    by_name = summaries(ok(client.get("/audit?who=sam+secr")))
    assert len(by_name) == 2
    assert summaries(ok(client.get("/audit?who=nobody-like-this"))) == []
    event = db.session.execute(select(AuditEvent).order_by(AuditEvent.id.desc())).scalars().first()
    event.occurred_at = datetime(2027, 3, 4, 12, tzinfo=UTC)
    db.session.commit()
    on_the_day = "from_day=4&from_day=3&from_day=2027&to_day=4&to_day=3&to_day=2027"
    assert len(summaries(ok(client.get(f"/audit?{on_the_day}")))) == 1
    after = "from_day=5&from_day=3&from_day=2027"
    assert len(summaries(ok(client.get(f"/audit?{after}")))) == 0


@pytest.mark.parametrize(
    ("query", "message", "field"),
    [
        (
            "record_type=agenda_items&record_id=abc",
            "Record number must be a whole number, like 42",
            "#record_id",
        ),
        ("record_id=42", "Select the kind of record the number is for", "#record_id"),
        ("from_day=31&from_day=2&from_day=2027", "From must be a real date", "#from_day"),
        (
            "from_day=2&from_day=3&from_day=2027&to_day=1&to_day=3&to_day=2027",
            "To must be the same as or after From",
            "#to_day",
        ),
        ("record_type=nonsense", "Select the kind of record from the list", "#record_type"),
    ],
)  # fmt: skip
def test_a_filter_that_is_wrong_says_so(client, secretariat, query, message, field):
    shown = ok(client.get(f"/audit?{query}"))
    [(text, href)] = error_summary(shown)
    assert text == message
    assert href.startswith(field)


def test_the_csv_keeps_the_filters_and_says_what_changed(client, secretariat, meeting):
    first, _ = change_two_items(client, meeting)
    listed = ok(client.get(f"/audit?record_type=agenda_items&record_id={first.id}"))
    link = page(listed).select_one("main a[download]")["href"]
    header, *rows = read_csv(client.get(link))
    assert len(rows) == 1
    changed = rows[0][header.index("What changed")]
    assert changed == f"Agenda item {first.id} changed: Title: First → First again"


def test_the_list_reads_a_constant_number_of_statements(client, secretariat, meeting):
    from tests.conftest import count_selects

    change_two_items(client, meeting)
    with count_selects() as few:
        ok(client.get("/audit"))
    for n in range(6):
        factories.agenda_item(meeting=meeting, title=f"More {n}")
    db.session.commit()
    for item in meeting.items[:6]:
        expect(
            client.post(
                f"/meetings/{meeting.slug}/agenda/items/{item.id}/edit",
                data=item_data(title=f"{item.title}!"),
            ),
            302,
        )
    with count_selects() as many:
        ok(client.get("/audit"))
    assert len(many) == len(few)


# Each record's history ------------------------------------------------------------------------


def test_an_agenda_items_history_lists_every_change_newest_first(client, secretariat, meeting):
    expect(client.post(f"/meetings/{meeting.slug}/agenda/items/new", data=item_data()), 302)
    item = meeting.items[-1]
    expect(
        client.post(
            f"/meetings/{meeting.slug}/agenda/items/{item.id}/edit",
            data=item_data(title="Finance update"),
        ),
        302,
    )
    shown = ok(client.get(f"/audit/history/agenda_items/{item.id}"))
    assert heading(shown) == "Agenda item “Finance update” (13 July 2027)"
    steps = [h.get_text(" ", strip=True) for h in page(shown).select("main ol > li > p.govuk-body")]
    assert steps[0].startswith("Sam Secretariat changed the item “Finance update”")
    assert steps[1].startswith("Sam Secretariat added the item “Finance”")
    text = " ".join(main_text(shown).split())
    assert "Title: Finance changed to → Finance update" in text
    back = page(shown).select_one("main p a.govuk-link")["href"]
    assert back == f"/meetings/{meeting.slug}/agenda"


def test_a_persons_history_and_a_removed_records_history(client, secretariat):
    person = factories.user(role=Role.OFFICER, full_name="Olive Officer")
    db.session.commit()
    expect(client.post(f"/people/{person.id}/deactivate"), 302)
    shown = ok(client.get(f"/audit/history/users/{person.id}"))
    assert heading(shown) == "Olive Officer"
    assert "Active: Yes changed to → No" in " ".join(main_text(shown).split())
    assert "Session token: a secret, not shown" in " ".join(main_text(shown).split())
    expect(
        client.post(
            f"/people/{person.id}/roles/new", data={"role": "chair", "starts_on": ["", "", ""]}
        ),
        302,
    )
    given = ok(client.get(f"/audit/history/users/{person.id}"))
    steps = [h.get_text(" ", strip=True) for h in page(given).select("main ol > li > p.govuk-body")]
    assert len(steps) == 2
    assert "Chair" in steps[0]
    gone = ok(client.get("/audit/history/agenda_items/987654"))
    assert heading(gone) == "Agenda item 987654"
    assert "Nothing has been recorded about this agenda item" in main_text(gone)


def test_an_unknown_kind_of_record_has_no_history(client, secretariat):
    expect(client.get("/audit/history/throttle_events/1"), 404)


@pytest.mark.parametrize("role", [None, *[r for r in Role if r is not Role.SECRETARIAT]])
def test_only_the_secretariat_reads_a_history(client, login_as, role, meeting):
    item = factories.agenda_item(meeting=meeting)
    if role is not None:
        login_as(role)
    url = f"/audit/history/agenda_items/{item.id}"
    if role is None:
        expect(client.get(url), 302, location=f"/sign-in?next={url}")
    else:
        expect(client.get(url), 403)


def test_a_long_value_is_shortened_on_the_page_and_kept_whole_in_the_csv(
    client, secretariat, meeting
):
    long_description = "Pooled budgets between councils and the NHS. " * 10  # 460 characters
    item = factories.agenda_item(meeting=meeting, title="Care")
    db.session.commit()
    expect(
        client.post(
            f"/meetings/{meeting.slug}/agenda/items/{item.id}/edit",
            data=item_data(title="Care", description=long_description.strip()),
        ),
        302,
    )
    listed = ok(client.get(f"/audit?record_type=agenda_items&record_id={item.id}"))
    shown = main_text(listed)
    assert long_description.strip() not in shown
    assert f"… ({len(long_description.strip()):,} characters, in the download)" in shown
    header, *rows = read_csv(client.get(page(listed).select_one("main a[download]")["href"]))
    assert long_description.strip() in rows[0][header.index("What changed")]


def test_an_event_that_changed_many_records_shows_the_first_ten_and_counts_the_rest(
    client, secretariat
):
    event = AuditEvent(action="register_saved", summary="The register was saved")
    event.records = [
        AuditRecord(
            record_type="authorities",
            record_key=str(n),
            operation="changed",
            fields={"name": [f"Council {n}", f"Council {n} renamed"]},
        )
        for n in range(1, 13)
    ]
    db.session.add(event)
    db.session.commit()
    listed = ok(client.get("/audit?action=register_saved"))
    [details] = page(listed).select("main details")
    text = " ".join(details.get_text(" ").split())
    assert "What changed (12 records)" in text
    assert "Council 10 renamed" in text
    assert "Council 11 renamed" not in text
    assert "And 2 more: the audit log's download lists every record." in text
    header, *rows = read_csv(client.get("/audit.csv?action=register_saved"))
    assert "Council 12 renamed" in rows[0][header.index("What changed")]

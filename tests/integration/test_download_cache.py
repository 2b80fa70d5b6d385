"""The download cache: a file that can no longer change is made once and then
served from the database; a change to what it was made from makes a new file;
access is checked before the cache is asked."""

from __future__ import annotations

import gzip
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from commission.auth.roles import Role
from commission.consultations.models import ConsultationStatus, Position
from commission.exports import pdf as pdf_module
from commission.exports.cache import SLOTS, cache_key, cached_body, keep
from commission.exports.models import CachedDownload
from commission.extensions import db
from commission.summaries import views as summary_views
from commission.summaries.models import Tag
from commission.summaries.rows import frozen_rows, raw_rows
from commission.timeutil import now_utc
from tests import factories
from tests.conftest import count_statements
from tests.pages import expect, expect_json, sign_in


def cached_count(subject_prefix: str = "") -> int:
    return db.session.execute(
        select(func.count(CachedDownload.id)).where(
            CachedDownload.subject.startswith(subject_prefix)
        )
    ).scalar_one()


@pytest.fixture
def consultation(app_ctx):
    now = now_utc()
    consultation = factories.consultation(
        title="Reforming the business rates retention scheme",
        opens_at=now - timedelta(days=30),
        closes_at=now - timedelta(days=1),
    )
    consultation.status = ConsultationStatus.CLOSED
    for name, position in (("Ashford", Position.SUPPORT), ("Barton", Position.OPPOSE)):
        factories.submitted_response(
            consultation=consultation,
            authority=factories.council(name=name),
            position=position,
        )
    db.session.flush()
    return consultation


def snapshot_of(consultation, *, published: bool):
    snapshot = factories.summary_snapshot(consultation=consultation, published=published)
    snapshot.answers = frozen_rows(raw_rows(consultation))
    db.session.flush()
    return snapshot


def url(consultation, file_format: str, snapshot=None) -> str:
    query = f"?snapshot={snapshot.id}" if snapshot is not None else ""
    return f"/consultations/{consultation.reference}/summary.{file_format}{query}"


def refuse(*args, **kwargs):
    raise AssertionError("made again instead of served from the cache")


@pytest.mark.parametrize(
    ("file_format", "maker"),
    [("csv", "csv_bytes"), ("xlsx", "_summary_spreadsheet"), ("pdf", "pdf_bytes")],
)
def test_a_published_snapshots_file_is_made_once_then_served_from_the_cache(
    consultation, client, monkeypatch, file_format, maker
):
    consultation.status = ConsultationStatus.SUMMARY_PUBLISHED
    snapshot_of(consultation, published=True)

    first = client.get(url(consultation, file_format))
    expect(first, 200)
    assert cached_count("summary-snapshot:") == 1
    monkeypatch.setattr(summary_views, maker, refuse)
    address = url(consultation, file_format)  # the test's own reads are not the request's
    with count_statements(selects_only=True) as statements:
        second = client.get(address)

    expect(second, 200)
    assert second.get_data() == first.get_data()
    assert second.headers["Content-Disposition"] == first.headers["Content-Disposition"]
    # The consultation (with its department and minister) and its published
    # snapshot, then the cached file: nothing the file was made from is
    # read, not even the consultation's questions.
    assert len([s for s in statements if "download_cache" in s]) == 1
    assert not any("FROM responses" in s or "FROM answers" in s for s in statements)
    assert not any("FROM questions" in s or "FROM question_options" in s for s in statements)
    assert len(statements) == 3


def test_a_published_briefing_made_afresh_reads_its_questions_at_once(app_ctx, client):
    """Served from the cache, a download reads only the consultation; made
    afresh, the briefing reads its questions in one statement, however many
    it has."""

    def made(questions: int) -> list[str]:
        consultation = factories.consultation(questions=questions)
        factories.submitted_response(consultation=consultation, authority=factories.council())
        consultation.status = ConsultationStatus.SUMMARY_PUBLISHED
        snapshot_of(consultation, published=True)
        address = url(consultation, "pdf")
        db.session.expunge_all()  # read by the request, as a new request would
        with count_statements(selects_only=True) as statements:
            expect(client.get(address), 200)
        return statements

    few, many = made(2), made(6)

    assert len(few) == len(many)
    assert len([s for s in many if s.startswith("SELECT questions.")]) == 1


@pytest.mark.parametrize("file_format", ["csv", "xlsx", "pdf"])
def test_a_kept_file_asked_for_again_by_its_etag_is_not_sent_or_read_again(
    consultation, client, file_format
):
    consultation.status = ConsultationStatus.SUMMARY_PUBLISHED
    snapshot_of(consultation, published=True)
    first = client.get(url(consultation, file_format))
    expect(first, 200)
    tag = first.headers["ETag"]
    address = url(consultation, file_format)

    with count_statements() as statements:
        again = client.get(address, headers={"If-None-Match": tag})

    assert again.status_code == 304
    assert again.get_data() == b""
    assert again.headers["ETag"] == tag
    assert not any("download_cache" in s for s in statements)
    # Another copy (or none) is sent the file.
    expect(client.get(address, headers={"If-None-Match": 'W/"something-else"'}), 200)
    assert client.get(address).get_data() == first.get_data()


def test_a_kept_pdf_asked_for_again_by_its_etag_is_answered_304_until_a_change(client, app_ctx):
    meeting = factories.held_meeting(day=now_utc().date() - timedelta(days=40))
    factories.published_minutes(meeting=meeting)
    address = f"/meetings/{meeting.slug}/minutes.pdf"
    first = client.get(address)
    expect(first, 200)
    tag = first.headers["ETag"]

    assert client.get(address, headers={"If-None-Match": tag}).status_code == 304
    factories.council(name="A change to the record")
    db.session.flush()
    changed = client.get(address, headers={"If-None-Match": tag})
    expect(changed, 200)
    assert changed.headers["ETag"] != tag


def test_a_snapshots_briefing_is_made_again_when_the_consultation_it_shows_changes(
    consultation, client
):
    consultation.status = ConsultationStatus.SUMMARY_PUBLISHED
    snapshot_of(consultation, published=True)
    first = client.get(url(consultation, "pdf"))
    [kept] = db.session.execute(select(CachedDownload)).scalars()
    first_key = kept.key

    consultation.title = "Reforming business rates: the retention scheme"
    db.session.flush()
    second = client.get(url(consultation, "pdf"))

    expect(second, 200)
    assert second.get_data() != first.get_data()
    [replacement] = db.session.execute(select(CachedDownload)).scalars()
    assert replacement.key != first_key


def test_the_briefing_is_kept_under_its_content_and_a_new_response_makes_a_new_one(
    consultation, client, monkeypatch
):
    sign_in(client, factories.user(role=Role.SECRETARIAT))
    first = client.get(url(consultation, "pdf"))
    expect(first, 200)
    [kept] = db.session.execute(select(CachedDownload)).scalars()
    assert kept.subject == f"briefing:{consultation.id}"
    assert kept.content_type == "application/pdf"
    assert kept.size == len(first.get_data())
    first_key = kept.key

    monkeypatch.setattr(pdf_module, "_write_pdf", refuse)
    assert client.get(url(consultation, "pdf")).get_data() == first.get_data()

    monkeypatch.undo()
    factories.submitted_response(
        consultation=consultation,
        authority=factories.council(name="Carlow"),
        position=Position.NEUTRAL,
    )
    third = client.get(url(consultation, "pdf"))

    assert third.get_data() != first.get_data()
    [replacement] = db.session.execute(select(CachedDownload)).scalars()
    assert replacement.key != first_key
    assert replacement.body == third.get_data()


def test_the_live_spreadsheet_is_kept_under_its_content_and_any_change_makes_a_new_one(
    consultation, client, monkeypatch
):
    sign_in(client, factories.user(role=Role.SECRETARIAT))
    first = client.get(url(consultation, "xlsx"))
    expect(first, 200)
    [kept] = db.session.execute(select(CachedDownload)).scalars()
    assert kept.subject == f"summary-live:{consultation.id}:xlsx"
    assert kept.body == first.get_data()
    first_key = kept.key

    monkeypatch.setattr(summary_views, "_summary_spreadsheet", refuse)
    assert client.get(url(consultation, "xlsx")).get_data() == first.get_data()

    monkeypatch.undo()
    barton = next(r for r in consultation_responses(consultation) if r.authority.name == "Barton")
    barton.answers[0].submitted_comment = "On reflection, the timetable is the problem."
    db.session.flush()
    changed = client.get(url(consultation, "xlsx"))

    assert changed.get_data() != first.get_data()
    [replacement] = db.session.execute(select(CachedDownload)).scalars()
    assert replacement.key != first_key
    assert replacement.body == changed.get_data()


def consultation_responses(consultation):
    from commission.consultations.models import Response

    return list(
        db.session.execute(
            select(Response).where(Response.consultation_id == consultation.id)
        ).scalars()
    )


def test_a_snapshot_frozen_for_a_meeting_is_never_served_from_the_cache_to_the_public(
    consultation, client
):
    snapshot = snapshot_of(consultation, published=False)
    sign_in(client, factories.user(role=Role.SECRETARIAT))
    expect(client.get(url(consultation, "csv", snapshot)), 200)
    assert cached_count() == 1

    with client.session_transaction() as session:
        session.clear()
    expect(client.get(url(consultation, "csv", snapshot)), 404)
    sign_in(client, factories.user(role=Role.LEADER))
    expect(client.get(url(consultation, "csv", snapshot)), 404)


def test_each_snapshot_and_format_has_a_file_of_its_own(consultation, client):
    sign_in(client, factories.user(role=Role.SECRETARIAT))
    older = snapshot_of(consultation, published=False)
    factories.submitted_response(
        consultation=consultation, authority=factories.council(name="Carlow")
    )
    newer = snapshot_of(consultation, published=False)

    older_csv = client.get(url(consultation, "csv", older)).get_data(as_text=True)
    newer_csv = client.get(url(consultation, "csv", newer)).get_data(as_text=True)
    client.get(url(consultation, "xlsx", older))

    assert "Carlow" not in older_csv
    assert "Carlow" in newer_csv
    assert cached_count() == 3


def test_the_live_csv_streams_and_is_not_cached(consultation, client):
    sign_in(client, factories.user(role=Role.SECRETARIAT))

    response = client.get(url(consultation, "csv"))

    assert response.is_streamed
    assert "Barton" in response.get_data(as_text=True)
    assert cached_count() == 0


def test_keeping_the_same_file_twice_is_not_an_error(app_ctx):
    key = cache_key("test", 1)
    for _ in range(2):
        keep(key=key, subject="test:1", content_type="text/csv", filename="a.csv", body=b"a")

    assert cached_body(key) == b"a"
    assert cached_count("test:") == 1


def test_a_published_csv_is_kept_compressed_and_sent_so_to_a_browser_that_accepts_it(
    consultation, client
):
    consultation.status = ConsultationStatus.SUMMARY_PUBLISHED
    snapshot_of(consultation, published=True)
    plain = client.get(url(consultation, "csv"))
    [kept] = db.session.execute(select(CachedDownload)).scalars()

    compressed = client.get(url(consultation, "csv"), headers={"Accept-Encoding": "gzip, br"})
    refused = client.get(url(consultation, "csv"), headers={"Accept-Encoding": "gzip;q=0"})

    assert kept.encoding == "gzip"
    assert kept.size == len(plain.get_data())
    assert "Content-Encoding" not in plain.headers
    assert "Accept-Encoding" in plain.headers["Vary"]
    assert "Barton" in plain.get_data(as_text=True)
    assert compressed.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in compressed.headers["Vary"]
    assert gzip.decompress(compressed.get_data()) == plain.get_data()
    assert "Content-Encoding" not in refused.headers
    assert refused.get_data() == plain.get_data()


def test_pdfs_and_spreadsheets_are_kept_as_made(app_ctx):
    keep(
        key=cache_key("p"),
        subject="test:p",
        content_type="application/pdf",
        filename="a",
        body=b"%PDF",
    )
    keep(key=cache_key("t"), subject="test:t", content_type="text/csv", filename="a", body=b"a,b")

    encodings = dict(
        db.session.execute(select(CachedDownload.subject, CachedDownload.encoding)).all()
    )
    assert encodings == {"test:p": None, "test:t": "gzip"}
    assert cached_body(cache_key("p")) == b"%PDF"
    assert cached_body(cache_key("t")) == b"a,b"


def test_a_new_file_for_a_subject_replaces_the_older_one(app_ctx):
    keep(key=cache_key(1), subject="test:1", content_type="text/csv", filename="a", body=b"a")
    keep(key=cache_key(2), subject="test:1", content_type="text/csv", filename="a", body=b"b")
    keep(key=cache_key(3), subject="test:2", content_type="text/csv", filename="a", body=b"c")

    assert cached_body(cache_key(1)) is None
    assert cached_body(cache_key(2)) == b"b"
    assert cached_count("test:") == 2


# Agenda packs and minutes -----------------------------------------------------------------------


@pytest.fixture
def published_meeting(app_ctx):
    meeting = factories.meeting(
        starts_at=factories.london_time(date(2027, 7, 13), 10, 30), published=True
    )
    factories.agenda_item(meeting=meeting, title="Welcome")
    db.session.flush()
    return meeting


def test_a_published_agenda_pack_is_kept_until_the_agenda_changes(
    published_meeting, client, monkeypatch
):
    path = f"/meetings/{published_meeting.slug}/agenda.pdf"
    first = client.get(path)
    expect(first, 200)
    # The file under its content, and under the change counter as it stands.
    assert cached_count("agenda-pack:") == 2

    monkeypatch.setattr(pdf_module, "_write_pdf", refuse)
    assert client.get(path).get_data() == first.get_data()
    with count_statements() as statements:
        assert client.get(path).get_data() == first.get_data()
    # The meeting, the change counter and the file: nothing the pack shows.
    assert not any("agenda_items" in s or "attendance_replies" in s for s in statements)
    assert len([s for s in statements if s.startswith("SELECT")]) == 3

    monkeypatch.undo()
    factories.agenda_item(meeting=published_meeting, title="Funding settlement")
    db.session.commit()
    changed = client.get(path)

    assert changed.get_data() != first.get_data()
    assert cached_count("agenda-pack:") == 2


def test_a_change_elsewhere_does_not_make_the_same_pack_again(
    published_meeting, client, monkeypatch
):
    path = f"/meetings/{published_meeting.slug}/agenda.pdf"
    first = client.get(path)
    db.session.add(Tag(name="Funding"))
    db.session.commit()
    monkeypatch.setattr(pdf_module, "_write_pdf", refuse)

    again = client.get(path)

    assert again.get_data() == first.get_data()
    assert cached_count("agenda-pack:") == 2


def test_members_and_the_public_get_their_own_agenda_pack(published_meeting, client):
    path = f"/meetings/{published_meeting.slug}/agenda.pdf"
    public = client.get(path).get_data()
    sign_in(client, factories.user(role=Role.LEADER))

    member = client.get(path).get_data()

    assert member != public
    assert cached_count("agenda-pack:") == 4


def test_approved_minutes_are_kept_and_drafts_are_not(client, monkeypatch):
    meeting = factories.held_meeting()
    factories.draft_minutes(meeting=meeting)
    sign_in(client, factories.user(role=Role.SECRETARIAT))
    path = f"/meetings/{meeting.slug}/minutes.pdf"
    expect(client.get(path), 200)
    assert cached_count("minutes:") == 0

    approved = factories.held_meeting(day=now_utc().date() - timedelta(days=40))
    factories.published_minutes(meeting=approved)
    path = f"/meetings/{approved.slug}/minutes.pdf"
    first = client.get(path)
    monkeypatch.setattr(pdf_module, "_write_pdf", refuse)

    assert client.get(path).get_data() == first.get_data()
    assert cached_count("minutes:") == 2


def test_answers_whose_address_varies_without_end_keep_a_bounded_number_of_files(client, app_ctx):
    factories.council()
    for limit in range(1, 101):
        expect_json(client.get(f"/api/v1/authorities?limit={limit}"))

    kept = db.session.execute(
        select(CachedDownload.subject).where(
            CachedDownload.subject.like("api:/api/v1/authorities:%")
        )
    ).scalars()
    subjects = list(kept)
    assert 0 < len(subjects) <= SLOTS
    assert len(set(subjects)) == len(subjects)  # one file a slot

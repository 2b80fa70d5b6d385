"""The public JSON API (/api/v1/): every resource, its filters and pages, the
protocol (ETag and 304, CORS, problem documents, the rate limit), the query
budget, and that it shows nothing the anonymous web pages withhold."""

from __future__ import annotations

import gzip
import json
from datetime import timedelta

import pytest
from sqlalchemy import select

from commission.api.models import RateLimitCounter, ResourceChange, ResourceKind
from commission.auth.roles import Role
from commission.consultations.models import ConsultationStatus
from commission.extensions import db
from commission.meetings.models import MeetingStatus
from commission.membership.models import Region
from commission.summaries.models import GovernmentReply
from commission.summaries.rows import frozen_rows, raw_rows
from commission.timeutil import now_utc, today
from tests import factories
from tests.conftest import count_statements
from tests.pages import expect, expect_json, main_text, ok, page


def get_json(client, url, status=200, **kwargs):
    response = client.get(url, **kwargs)
    assert response.status_code == status, (
        url,
        response.status_code,
        response.get_data(True)[:500],
    )
    if status == 200:
        assert response.mimetype == "application/json"
        assert response.headers["Access-Control-Allow-Origin"] == "*"
        assert response.headers["ETag"]
        return response.get_json()
    if status != 304:
        assert response.mimetype == "application/problem+json"
        assert response.headers["Access-Control-Allow-Origin"] == "*"
        problem = response.get_json()
        assert problem["status"] == status
        assert problem["title"]
        return problem
    return None


def walk(client, url):
    """Every item of a list, following `next` to the last page."""
    items, pages = [], 0
    while url:
        page = get_json(client, url)
        items.extend(page["items"])
        url = page["next"]
        pages += 1
    return items, pages


# Authorities -----------------------------------------------------------------


def test_authorities_list_filters_and_walks_every_page(client, app_ctx):
    londoners = [factories.council(name=f"Borough {n}", region=Region.LONDON) for n in range(5)]
    factories.council(name="Northern council", region=Region.NORTH_WEST, member=False)

    items, pages = walk(client, "/api/v1/authorities?region=London&limit=2")

    assert [item["id"] for item in items] == sorted(
        (a.slug for a in londoners),
        key=lambda slug: next(a.name for a in londoners if a.slug == slug),
    )
    assert pages == 3
    first = items[0]
    assert first["gss_code"] == londoners[0].gss_code
    assert first["region"] == "London"
    assert first["member"] is True
    assert first["control"]["control"] == "labour"
    assert first["url"].endswith(f"/api/v1/authorities/{londoners[0].slug}")
    not_members = get_json(client, "/api/v1/authorities?member=false&region=North%20West")["items"]
    assert [a["name"] for a in not_members] == ["Northern council"]


def test_an_authority_by_slug_or_gss_code_without_its_team(client, app_ctx):
    area = factories.strategic_authority() if hasattr(factories, "strategic_authority") else None
    council = factories.council(name="Kirkby Council")
    leader = factories.user(full_name="Lee Leader")
    factories.appointment(user=leader, role=Role.LEADER, authority=council)
    officer = factories.user(full_name="Olive Officer")
    factories.appointment(user=officer, role=Role.OFFICER, authority=council)

    by_slug = get_json(client, f"/api/v1/authorities/{council.slug}")
    by_code = get_json(client, f"/api/v1/authorities/{council.gss_code}")

    assert by_slug == by_code
    assert by_slug["heads"] == [
        {"role": "leader", "name": "Lee Leader", "since": by_slug["heads"][0]["since"]}
    ]
    assert "Olive Officer" not in json.dumps(by_slug)
    assert [c["label"] for c in by_slug["control_history"]] == ["Labour"]
    assert area is None or isinstance(area.name, str)


def test_office_holders_are_todays_leaders_and_mayors_only(client, app_ctx):
    council = factories.council(name="Holder Council")
    factories.person_at(authority=council, role=Role.LEADER, full_name="Hana Head")
    factories.person_at(authority=council, role=Role.DEPUTY, full_name="Dev Deputy")
    former = factories.user(full_name="Fay Former")
    factories.appointment(
        user=former,
        role=Role.LEADER,
        authority=council,
        starts_on=today() - timedelta(days=400),
        ends_on=today() - timedelta(days=60),
    )
    factories.minister()

    holders, _ = walk(client, "/api/v1/office-holders?limit=1")

    assert [(h["name"], h["role"], h["authority"]["id"]) for h in holders] == [
        ("Hana Head", "leader", council.slug)
    ]


def test_an_unknown_authority_is_a_404_problem(client, app_ctx):
    get_json(client, "/api/v1/authorities/nowhere", status=404)
    get_json(client, "/api/v1/authorities/E99999999", status=404)


# Meetings ----------------------------------------------------------------------


def published_meeting():
    meeting = factories.meeting(published=True)
    item = factories.agenda_item(meeting=meeting, title="Public item", presenter="The chair")
    secret = factories.agenda_item(meeting=meeting, title="Secret item", confidential=True)
    public = factories.paper(item=item, title="Public paper")
    restricted = factories.paper(item=item, title="Members' paper", public=False)
    hidden = factories.paper(item=secret, title="Secret paper")
    return meeting, public, restricted, hidden


def test_a_meeting_shows_its_public_agenda_and_papers_only(client, app_ctx):
    meeting, _public, _restricted, _hidden = published_meeting()

    shown = get_json(client, f"/api/v1/meetings/{meeting.slug}")

    titles = [item["title"] for item in shown["agenda"]]
    assert titles == ["Public item", "Confidential item"]
    papers = shown["agenda"][0]["papers"]
    assert [p["title"] for p in papers] == ["Public paper"]
    download = client.get(papers[0]["download_url"].replace("http://commission.test", ""))
    assert expect(download).data[:4] == b"%PDF"
    assert shown["agenda"][1]["papers"] == []
    assert shown["agenda"][1]["presenter"] is None
    text = json.dumps(shown)
    assert "Secret" not in text and "Members' paper" not in text


def test_draft_meetings_are_not_listed_or_found(client, app_ctx):
    draft = factories.meeting(status=MeetingStatus.DRAFT)
    scheduled = factories.meeting()

    items, _ = walk(client, "/api/v1/meetings")

    assert [m["id"] for m in items] == [scheduled.slug]
    get_json(client, f"/api/v1/meetings/{draft.slug}", status=404)


def test_decisions_and_actions_come_with_approved_minutes(client, app_ctx):
    meeting = factories.held_meeting()
    item = factories.agenda_item(meeting=meeting, title="Funding")
    factories.decision(meeting=meeting, item=item, text="Agreed to write to the Treasury.")
    assert get_json(client, f"/api/v1/meetings/{meeting.slug}")["minutes_approved"] is False
    assert "Treasury" not in json.dumps(get_json(client, f"/api/v1/meetings/{meeting.slug}"))

    factories.published_minutes(meeting=meeting)
    shown = get_json(client, f"/api/v1/meetings/{meeting.slug}")

    assert shown["minutes_approved"] is True
    funding = next(i for i in shown["agenda"] if i["title"] == "Funding")
    assert [d["text"] for d in funding["decisions"]] == ["Agreed to write to the Treasury."]


def test_meetings_filter_by_time(client, app_ctx):
    early = factories.meeting(starts_at=now_utc() + timedelta(days=3))
    late = factories.meeting(starts_at=now_utc() + timedelta(days=60))
    after = (now_utc() + timedelta(days=30)).isoformat().replace("+00:00", "Z")

    items, _ = walk(client, f"/api/v1/meetings?starts_after={after}")

    assert [m["id"] for m in items] == [late.slug]
    assert early.slug != late.slug


# Consultations -------------------------------------------------------------------


def test_consultations_list_hides_drafts_and_filters_by_status(client, app_ctx):
    draft = factories.consultation(status=ConsultationStatus.DRAFT)
    open_ = factories.consultation()
    closed = factories.consultation(
        opens_at=now_utc() - timedelta(days=40), closes_at=now_utc() - timedelta(days=1)
    )

    everything, _ = walk(client, "/api/v1/consultations")
    open_only = get_json(client, "/api/v1/consultations?status=open")["items"]
    closed_only = get_json(client, "/api/v1/consultations?status=closed")["items"]

    assert {c["id"] for c in everything} == {open_.reference, closed.reference}
    assert [c["id"] for c in open_only] == [open_.reference]
    assert [c["id"] for c in closed_only] == [closed.reference]
    assert closed_only[0]["status"] == "closed"  # open, past its close, shows as closed
    get_json(client, f"/api/v1/consultations/{draft.reference}", status=404)


def test_a_consultation_with_questions_documents_timeline_and_reply(client, app_ctx):
    consultation = factories.consultation(questions=2)
    document = factories.consultation_document(consultation=consultation)
    reply = GovernmentReply(
        consultation_id=consultation.id,
        overall="We listened.",
        per_question={str(consultation.questions[0].id): "We changed the duty."},
    )
    db.session.add(reply)
    db.session.flush()

    shown = get_json(client, f"/api/v1/consultations/{consultation.reference}")
    assert shown["government_reply"] is None  # a draft reply is the minister's
    assert [q["text"] for q in shown["questions"]] == ["Question 1?", "Question 2?"]
    assert [d["title"] for d in shown["documents"]] == [document.title]
    assert [e["event"] for e in shown["timeline"]] == ["Opened for responses"]

    reply.published_at = now_utc()
    db.session.flush()
    shown = get_json(client, f"/api/v1/consultations/{consultation.reference}")
    assert shown["government_reply"]["overall"] == "We listened."
    assert shown["government_reply"]["questions"] == [
        {"question": 1, "text": "We changed the duty."}
    ]


# Summaries and positions ----------------------------------------------------------


def consultation_with_answers():
    consultation = factories.consultation(questions=2)
    councils = [factories.council(name=f"Answering {n}") for n in range(3)]
    for council in councils:
        factories.submitted_response(consultation=consultation, authority=council)
    return consultation, councils


def test_the_live_summary_and_its_positions_are_not_public(client, app_ctx):
    consultation, _ = consultation_with_answers()
    factories.summary_snapshot(consultation=consultation, published=False)

    get_json(client, f"/api/v1/consultations/{consultation.reference}/summary", status=404)
    get_json(client, f"/api/v1/consultations/{consultation.reference}/positions", status=404)
    assert client.get(f"/consultations/{consultation.reference}/summary").status_code == 404


def test_a_published_summary_and_every_position(client, app_ctx):
    consultation, councils = consultation_with_answers()
    snapshot = factories.summary_snapshot(consultation=consultation, published=True)
    snapshot.answers = frozen_rows(raw_rows(consultation))
    db.session.flush()

    summary = get_json(client, f"/api/v1/consultations/{consultation.reference}/summary")
    positions, pages = walk(
        client, f"/api/v1/consultations/{consultation.reference}/positions?limit=2"
    )

    assert summary["figures"]["overall"]["total"] == 3
    assert len(positions) == 3 * 3  # the overall position and two questions
    assert pages == 5
    assert {p["authority"] for p in positions} == {c.name for c in councils}
    assert {p["question"] for p in positions} == {None, 1, 2}


def test_a_published_summary_is_made_once_and_then_sent_as_kept(client, app_ctx):
    """A published summary cannot change: its JSON is kept in the download
    cache, so a second request reads neither the snapshot's figures nor
    anything that grows with them, and gets the same answer."""
    consultation, _ = consultation_with_answers()
    factories.summary_snapshot(consultation=consultation, published=True)
    url = f"/api/v1/consultations/{consultation.reference}/summary"

    with count_statements(selects_only=True) as made:
        first = client.get(url)
    with count_statements(selects_only=True) as kept:
        again = client.get(url)

    assert expect_json(again) == expect_json(first)
    assert again.get_json()["figures"]["overall"]["total"] == 3
    assert any("summary_snapshots.data" in s for s in made)
    assert not any("summary_snapshots.data" in s for s in kept)
    assert not any("FROM answers" in s or "FROM responses" in s for s in kept)
    assert again.headers["ETag"] == first.headers["ETag"]
    assert again.headers["Access-Control-Allow-Origin"] == "*"
    assert again.headers["Cache-Control"] == "public, max-age=60"
    assert "Content-Disposition" not in again.headers


def test_a_kept_summary_links_to_the_address_it_was_asked_at(client, app_ctx):
    consultation, _ = consultation_with_answers()
    factories.summary_snapshot(consultation=consultation, published=True)
    url = f"/api/v1/consultations/{consultation.reference}/summary"

    here = expect_json(client.get(url, base_url="http://commission.test"))
    there = expect_json(client.get(url, base_url="https://commission.test"))

    assert here["positions_url"].startswith("http://commission.test/")
    assert there["positions_url"].startswith("https://commission.test/")


def test_a_kept_summary_is_sent_compressed_to_a_client_that_accepts_gzip(client, app_ctx):
    consultation, _ = consultation_with_answers()
    factories.summary_snapshot(consultation=consultation, published=True)
    url = f"/api/v1/consultations/{consultation.reference}/summary"
    plain = expect_json(client.get(url))

    compressed = expect(client.get(url, headers={"Accept-Encoding": "gzip"}), 200)

    assert compressed.headers["Content-Encoding"] == "gzip"
    assert {"Accept-Encoding", "Authorization"} <= set(compressed.vary)
    assert json.loads(gzip.decompress(compressed.get_data())) == plain


def test_a_kept_summary_answers_304_to_a_client_holding_it(client, app_ctx):
    consultation, _ = consultation_with_answers()
    factories.summary_snapshot(consultation=consultation, published=True)
    url = f"/api/v1/consultations/{consultation.reference}/summary"
    first = client.get(url)
    expect_json(first)

    by_tag = client.get(url, headers={"If-None-Match": first.headers["ETag"]})
    by_date = client.get(url, headers={"If-Modified-Since": first.headers["Last-Modified"]})

    for unchanged in (by_tag, by_date):
        assert unchanged.status_code == 304
        assert unchanged.get_data() == b""
        assert unchanged.headers["Access-Control-Allow-Origin"] == "*"
    assert by_tag.headers["ETag"] == first.headers["ETag"]


def test_a_new_publication_gives_a_new_answer_never_the_kept_one(client, app_ctx):
    consultation, _ = consultation_with_answers()
    factories.summary_snapshot(consultation=consultation, published=True)
    url = f"/api/v1/consultations/{consultation.reference}/summary"
    first = client.get(url)
    assert expect_json(first)["figures"]["overall"]["total"] == 3

    factories.submitted_response(consultation=consultation, authority=factories.council())
    factories.summary_snapshot(consultation=consultation, published=True)
    again = client.get(url, headers={"If-None-Match": first.headers["ETag"]})

    assert expect_json(again)["figures"]["overall"]["total"] == 4
    assert again.headers["ETag"] != first.headers["ETag"]


# The protocol -------------------------------------------------------------------------


def test_etag_and_last_modified_give_304(client, app_ctx):
    council = factories.council()
    url = f"/api/v1/authorities/{council.slug}"
    first = client.get(url)
    expect_json(first)
    assert first.headers["Last-Modified"]

    assert client.get(url, headers={"If-None-Match": first.headers["ETag"]}).status_code == 304
    assert (
        client.get(url, headers={"If-Modified-Since": first.headers["Last-Modified"]}).status_code
        == 304
    )
    council.population = 123_456
    db.session.flush()
    changed = client.get(url, headers={"If-None-Match": first.headers["ETag"]})
    assert expect_json(changed)["population"] == 123_456


def test_changes_are_tracked_for_modified_since(client, app_ctx):
    meeting = factories.meeting()
    before = get_json(client, f"/api/v1/meetings/{meeting.slug}")["modified_at"]
    factories.agenda_item(meeting=meeting, title="Added later")

    row = db.session.get(ResourceChange, (ResourceKind.MEETING, meeting.id))
    assert row is not None
    since = row.modified_at.isoformat().replace("+00:00", "Z")
    later = (row.modified_at + timedelta(seconds=1)).isoformat().replace("+00:00", "Z")
    changed = get_json(client, f"/api/v1/meetings?modified_since={since}")["items"]
    nothing = get_json(client, f"/api/v1/meetings?modified_since={later}")["items"]

    assert [m["id"] for m in changed] == [meeting.slug]
    assert changed[0]["modified_at"] >= before
    assert nothing == []


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/authorities?limit=0",
        "/api/v1/authorities?limit=101",
        "/api/v1/authorities?region=Atlantis",
        "/api/v1/authorities?cursor=not-a-cursor",
        "/api/v1/authorities?cursor=WyJhIl0",  # a list of the wrong shape
        "/api/v1/meetings?modified_since=yesterday",
        "/api/v1/meetings?starts_after=2027-01-01T00:00:00",  # no zone
        "/api/v1/meetings?starts_after=1700000000",  # not ISO 8601
        "/api/v1/authorities?region=London&region=North%20West",  # twice
    ],
)
def test_bad_parameters_are_400_problems(client, app_ctx, url):
    problem = get_json(client, url, status=400)
    assert problem["detail"]


def test_unknown_addresses_and_methods_are_problems(client, app_ctx):
    get_json(client, "/api/v1/nothing-here", status=404)
    refused = client.post("/api/v1/authorities")
    assert refused.status_code == 405
    assert refused.mimetype == "application/problem+json"
    assert "GET" in refused.headers["Allow"]


def test_the_rate_limit_is_shared_in_the_database_and_answers_429(client, app_ctx, app):
    app.config["API_RATE_LIMIT"] = "3 per minute"
    address = {"REMOTE_ADDR": "192.0.2.7"}
    try:
        for _ in range(3):
            get_json(client, "/api/v1/authorities", environ_base=address)
        refused = client.get("/api/v1/authorities", environ_base=address)
        other = client.get("/api/v1/authorities", environ_base={"REMOTE_ADDR": "192.0.2.8"})
    finally:
        app.config["API_RATE_LIMIT"] = "120 per minute"

    assert refused.status_code == 429
    assert refused.mimetype == "application/problem+json"
    assert 0 < int(refused.headers["Retry-After"]) <= 60
    expect_json(other)
    counters = db.session.execute(select(RateLimitCounter)).scalars().all()
    assert any("192.0.2.7" in c.key and c.count == 4 for c in counters)


# Budget ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/authorities",
        "/api/v1/office-holders",
        "/api/v1/meetings",
        "/api/v1/consultations",
    ],
)
def test_a_list_reads_the_same_number_of_statements_whatever_its_length(client, app_ctx, url):
    def add(n):
        for _ in range(n):
            council = factories.council()
            factories.person_at(authority=council, role=Role.LEADER)
            meeting = factories.meeting(published=True)
            factories.agenda_item(meeting=meeting)
            factories.consultation()

    add(2)
    with count_statements(selects_only=True) as few:
        get_json(client, url + "?limit=100")
    add(8)
    with count_statements(selects_only=True) as many:
        get_json(client, url + "?limit=100")
    assert len(many) == len(few)


# The documents --------------------------------------------------------------------------


def test_the_openapi_document_describes_every_operation(client, app_ctx):
    document = get_json(client, "/api/v1/openapi.json")
    assert document["openapi"].startswith("3.1")
    assert set(document["paths"]) == {
        "/api/v1/authorities",
        "/api/v1/authorities/{authority_id}",
        "/api/v1/office-holders",
        "/api/v1/meetings",
        "/api/v1/meetings/{slug}",
        "/api/v1/consultations",
        "/api/v1/consultations/{reference}",
        "/api/v1/consultations/{reference}/summary",
        "/api/v1/consultations/{reference}/positions",
    }
    parameters = {p["name"] for p in document["paths"]["/api/v1/authorities"]["get"]["parameters"]}
    assert {
        "limit",
        "cursor",
        "modified_since",
        "region",
        "type",
        "control",
        "member",
    } <= parameters
    assert "Open Government Licence" in document["info"]["description"]


def test_the_documentation_page_lists_every_endpoint_and_the_licence(client, app_ctx):
    page = ok(client.get("/api/v1/"))
    text = main_text(page)
    assert "GET /api/v1/authorities/{authority_id}" in text
    assert "modified_since" in text
    assert "Open Government Licence" in text
    assert "mySociety" in text


def test_a_meeting_reads_the_same_number_of_statements_whatever_its_agenda(client, app_ctx):
    def meeting_with(items):
        meeting = factories.held_meeting(hour=9 + items % 8)
        for _ in range(items):
            item = factories.agenda_item(meeting=meeting)
            factories.paper(item=item)
            factories.decision(meeting=meeting, item=item)
        factories.published_minutes(meeting=meeting)
        return meeting

    small, large = (f"/api/v1/meetings/{meeting_with(n).slug}" for n in (1, 6))
    with count_statements(selects_only=True) as few:
        get_json(client, small)
    with count_statements(selects_only=True) as many:
        shown = get_json(client, large)
    assert len(shown["agenda"]) == 6
    assert len(many) == len(few)


def test_a_consultation_reads_the_same_number_of_statements_whatever_its_size(client, app_ctx):
    small = factories.consultation(questions=1)
    factories.consultation_document(consultation=small)
    large = factories.consultation(questions=8)
    for _ in range(4):
        factories.consultation_document(consultation=large)
    small_url = f"/api/v1/consultations/{small.reference}"
    large_url = f"/api/v1/consultations/{large.reference}"
    with count_statements(selects_only=True) as few:
        get_json(client, small_url)
    with count_statements(selects_only=True) as many:
        shown = get_json(client, large_url)
    assert len(shown["questions"]) == 8
    assert len(many) == len(few)


def test_a_consultation_past_its_close_counts_as_changed_then(client, app_ctx):
    closed = factories.consultation(
        opens_at=now_utc() - timedelta(days=40), closes_at=now_utc() - timedelta(days=1)
    )
    # Made and last changed before it closed.
    closed.created_at = now_utc() - timedelta(days=41)
    db.session.flush()
    db.session.delete(db.session.get(ResourceChange, (ResourceKind.CONSULTATION, closed.id)))
    db.session.flush()
    closes = closed.closes_at.isoformat().replace("+00:00", "Z")

    shown = get_json(client, f"/api/v1/consultations/{closed.reference}")
    since = get_json(client, f"/api/v1/consultations?modified_since={closes}")["items"]

    assert shown["status"] == "closed"
    assert shown["modified_at"].startswith(closed.closes_at.isoformat()[:19])
    assert [c["id"] for c in since] == [closed.reference]


def test_a_public_list_is_kept_until_a_record_changes(client, app_ctx):
    factories.council(name="Ashford")
    first = expect_json(client.get("/api/v1/authorities"))
    with count_statements() as kept:
        again = expect_json(client.get("/api/v1/authorities"))
    assert again == first
    assert not any("FROM authorities" in statement for statement in kept), kept

    factories.council(name="Barton")
    db.session.commit()  # any change to a record: the kept answer is not used again
    names = [a["name"] for a in expect_json(client.get("/api/v1/authorities"))["items"]]
    assert "Barton" in names


def test_a_token_holders_list_is_made_for_them_every_time(client, app_ctx, login_as):
    login_as(Role.OFFICER)
    shown = ok(client.post("/account/api-tokens/new", data={"name": "Figures", "days": "90"}))
    secret = page(shown).select_one("#token").get_text(strip=True)
    client.post("/sign-out")
    bearer = {"Authorization": f"Bearer {secret}"}
    expect_json(client.get("/api/v1/authorities", headers=bearer))
    with count_statements() as again:
        expect_json(client.get("/api/v1/authorities", headers=bearer))
    assert any("FROM authorities" in statement for statement in again), again

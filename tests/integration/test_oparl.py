"""OParl 1.1 (/oparl/v1.1/): the whole graph, walked from the System object,
resolves and every object matches its OParl schema (``tests/data/oparl/``);
nothing the anonymous web pages withhold appears; removed records stay as
``deleted: true``; lists page, filter and cost a fixed number of statements;
errors are OParl's error object."""

from __future__ import annotations

import json
from collections import deque
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

import pytest
from jsonschema import Draft4Validator

from commission.auth.roles import Role
from commission.consultations.models import ConsultationStatus
from commission.extensions import db
from commission.meetings import services as meeting_services
from commission.meetings.models import MeetingStatus
from commission.timeutil import now_utc, today
from tests import factories
from tests.conftest import count_statements
from tests.pages import expect, sign_in

SCHEMAS = Path(__file__).parent.parent / "data" / "oparl"
ROOT = "http://commission.test/oparl/v1.1/system"
TYPE_PREFIX = "https://schema.oparl.org/1.1/"
SINCE = "2000-01-01T00:00:00Z"


def _schema(name: str) -> dict[str, Any]:
    return json.loads((SCHEMAS / f"{name}.json").read_text())


TYPES = [
    "System",
    "Body",
    "Organization",
    "Person",
    "Membership",
    "Meeting",
    "AgendaItem",
    "Paper",
    "File",
    "Consultation",
    "Location",
    "LegislativeTerm",
]
SCHEMA = {name: _schema(name) for name in TYPES}
# OParl's own keywords ("references", "schema", ...) are not JSON Schema's:
# the validator ignores them, and the walk reads them.
VALIDATOR = {name: Draft4Validator(schema) for name, schema in SCHEMA.items()}


def path_of(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def get_json(client, url: str, status: int = 200) -> dict[str, Any]:
    response = client.get(path_of(url))
    assert response.status_code == status, (url, response.status_code, response.get_data(True))
    assert response.mimetype == "application/json"
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    body = response.get_json()
    if status >= 400:
        assert body["type"] == "https://schema.oparl.org/1.1/Error"
        assert body["message"]
    return body


@dataclass
class Walk:
    """What the walk saw: every object by URL (the fullest copy), the
    deleted ones, and every list page fetched."""

    objects: dict[str, dict[str, Any]] = field(default_factory=dict)
    deleted: set[str] = field(default_factory=set)
    pages: int = 0

    def of_type(self, name: str) -> list[dict[str, Any]]:
        return [o for o in self.objects.values() if o["type"] == TYPE_PREFIX + name]


def check(obj: dict[str, Any], links: deque[str], walk: Walk) -> None:
    """Validate ``obj`` against its type's schema, its embedded objects
    against theirs, and queue every URL its schema says is a link."""
    name = obj["type"].removeprefix(TYPE_PREFIX)
    assert name in SCHEMA, obj["type"]
    errors = [e.message for e in VALIDATOR[name].iter_errors(obj)]
    assert errors == [], (obj["id"], errors)
    if obj.get("deleted"):
        walk.deleted.add(obj["id"])
        kept = {"id", "type", "created", "modified", "deleted", "accessUrl", "order"}
        assert set(obj) <= kept, obj
        assert obj["modified"]
    known = walk.objects.get(obj["id"])
    if known is None or len(obj) > len(known):
        walk.objects[obj["id"]] = obj
    for prop, spec in SCHEMA[name]["properties"].items():
        value = obj.get(prop)
        if value is None:
            continue
        if spec.get("references") or spec.get("items", {}).get("references"):
            # A link, a list of links, or a link to an external list.
            links.extend(value if isinstance(value, list) else [value])
        elif "schema" in spec:  # one embedded object
            check(value, links, walk)
        elif spec.get("items", {}).get("schema"):  # a list of embedded objects
            for embedded in value:
                check(embedded, links, walk)
    for prop in ("accessUrl", "downloadUrl"):
        if prop in obj:
            links.append(obj[prop])


def walk_graph(client, *, since: str | None = None, limit: int = 2) -> Walk:
    """Every URL reachable from the System object that points into /oparl/:
    each must answer, each object must match its schema. Lists are walked
    page by page through ``links.next`` (with ``modified_since`` when
    given, to see removed objects too)."""
    walk = Walk()
    links: deque[str] = deque([ROOT])
    seen: set[str] = set()
    while links:
        url = links.popleft()
        if url in seen:
            continue
        seen.add(url)
        path = urlsplit(url).path
        if "/oparl/v1.1/file/" in path and path.count("/") == 5:
            continue  # a file's content: checked in test_files_open_in_place_or_download
        if not path.startswith("/oparl/"):
            continue  # the web pages' own addresses
        if path.startswith("/oparl/v1.1/body/commission/") or path == "/oparl/v1.1/bodies":
            page = path_of(url) + ("&" if "?" in url else "?") + f"limit={limit}"
            if since:
                page += f"&modified_since={quote(since)}"
            while page:
                body = get_json(client, page)
                walk.pages += 1
                assert set(body) == {"data", "pagination", "links"}
                for obj in body["data"]:
                    check(obj, links, walk)
                    links.append(obj["id"])
                page = body["links"].get("next")
                if page:
                    assert page.startswith("http")
            continue
        obj = get_json(client, url)
        assert obj["id"] == url, "an object is answered at its own id"
        check(obj, links, walk)
    return walk


@dataclass
class World:
    held: Any
    item: Any
    paper: Any
    restricted: Any
    confidential: Any
    secret_paper: Any
    replaced: Any
    replacement: Any
    removed_item: Any
    removed_paper_id: int
    draft: Any
    draft_paper: Any
    unpublished: Any
    unpublished_paper: Any
    consultation_item: Any
    unapproved: Any
    consultation: Any
    draft_consultation: Any
    council: Any
    leader: Any
    mayor: Any
    deputy: Any
    officer: Any
    former: Any


def build() -> World:
    """A held meeting with a published agenda and approved minutes, public,
    restricted, confidential and replaced papers, an item removed after
    publication, a draft meeting and one whose agenda is not published, and
    the people an authority's page does and does not name."""
    secretary = factories.user(role=Role.SECRETARIAT)
    held = factories.held_meeting()
    consultation = factories.consultation(title="Fair funding review")
    draft_consultation = factories.consultation(
        title="Unannounced review", status=ConsultationStatus.DRAFT
    )
    item = factories.agenda_item(meeting=held, title="Funding settlement")
    paper = factories.paper(item=item, title="Settlement briefing")
    restricted = factories.paper(item=item, title="Restricted annex", public=False)
    replaced = factories.paper(item=item, title="First draft of the letter")
    replacement = factories.paper(item=item, title="Letter to the minister")
    replaced.superseded_by_id = replacement.id
    confidential = factories.agenda_item(
        meeting=held, title="Staffing of the secretariat", confidential=True
    )
    secret_paper = factories.paper(item=confidential, title="Staffing paper")
    consultation_item = factories.agenda_item(meeting=held, title="Consultation response")
    consultation_item.consultation_id = consultation.id
    factories.agenda_item(
        meeting=held, title="Forward plan"
    ).consultation_id = draft_consultation.id
    factories.decision(meeting=held, item=item)
    factories.published_minutes(meeting=held)

    unapproved = factories.held_meeting(day=today() - timedelta(days=3))
    factories.draft_minutes(meeting=unapproved, introduction="Not yet approved.")
    draft = factories.meeting(status=MeetingStatus.DRAFT)
    draft_item = factories.agenda_item(meeting=draft, title="Draft business")
    draft_paper = factories.paper(item=draft_item, title="Draft paper")
    unpublished = factories.meeting(status=MeetingStatus.SCHEDULED)
    unpublished_item = factories.agenda_item(meeting=unpublished, title="Future business")
    unpublished_paper = factories.paper(item=unpublished_item, title="Future paper")

    council = factories.council(name="Walkshire Council")
    factories.council(name="Outside Council", member=False)
    leader = factories.person_at(authority=council, role=Role.LEADER, full_name="Lee Leader")
    mayor = factories.user(role=Role.MAYOR, full_name="May Mayor")
    deputy = factories.person_at(authority=council, role=Role.DEPUTY, full_name="Dee Deputy")
    officer = factories.person_at(authority=council, role=Role.OFFICER, full_name="Ollie Officer")
    former = factories.user(full_name="Fay Former")
    factories.appointment(
        user=former,
        role=Role.LEADER,
        authority=council,
        starts_on=today() - timedelta(days=400),
        ends_on=today() - timedelta(days=40),
    )
    # Last (SQLite gives the highest id again once its row is gone): an
    # item withdrawn from the published agenda of the next meeting.
    upcoming = factories.meeting(published=True)
    removed_item = factories.agenda_item(meeting=upcoming, title="Withdrawn item")
    removed_paper = factories.paper(item=removed_item, title="Withdrawn paper")
    removed_paper_id = removed_paper.id
    db.session.flush()
    meeting_services.remove_item(item=removed_item, actor=secretary)
    db.session.flush()
    return World(
        held=held,
        item=item,
        paper=paper,
        restricted=restricted,
        confidential=confidential,
        secret_paper=secret_paper,
        replaced=replaced,
        replacement=replacement,
        removed_item=removed_item,
        removed_paper_id=removed_paper_id,
        draft=draft,
        draft_paper=draft_paper,
        unpublished=unpublished,
        unpublished_paper=unpublished_paper,
        consultation_item=consultation_item,
        unapproved=unapproved,
        consultation=consultation,
        draft_consultation=draft_consultation,
        council=council,
        leader=leader,
        mayor=mayor,
        deputy=deputy,
        officer=officer,
        former=former,
    )


def url(kind: str, key: Any) -> str:
    return f"http://commission.test/oparl/v1.1/{kind}/{key}"


# The graph --------------------------------------------------------------------------


def test_the_whole_graph_resolves_and_matches_the_schemas(client, app_ctx):
    world = build()

    walk = walk_graph(client)

    # Every type is there, and the walk went through more than one page.
    for name in TYPES:
        assert walk.of_type(name), f"no {name} reached"
    assert walk.pages > len(TYPES)
    assert walk.deleted == set(), "removed objects are listed only to modified_since"
    (system,) = walk.of_type("System")
    assert system["oparlVersion"] == "https://schema.oparl.org/1.1/"
    (body,) = walk.of_type("Body")
    assert body["mainOrganization"] == url("organization", "commission")

    meeting = walk.objects[url("meeting", world.held.id)]
    assert meeting["meetingState"] == "Minutes published"
    assert meeting["location"]["description"] == world.held.venue
    assert [i["name"] for i in meeting["agendaItem"]] == [
        "Funding settlement",
        "Confidential item",
        "Consultation response",
        "Forward plan",
    ]
    assert [i["number"] for i in meeting["agendaItem"]] == ["1", "2", "3", "4"]

    # Approved minutes are the meeting's results protocol: the minutes PDF.
    minutes = meeting["resultsProtocol"]
    assert minutes["id"] == url("file", f"minutes-{world.held.id}")
    assert walk.objects[minutes["id"]]["accessUrl"] == (
        f"http://commission.test/meetings/{world.held.slug}/minutes.pdf"
    )
    opened = client.get(path_of(minutes["accessUrl"]))
    expect(opened)
    assert opened.headers["Content-Disposition"].startswith("inline")
    assert "resultsProtocol" not in walk.objects[url("meeting", world.unapproved.id)]

    item = walk.objects[url("agenda-item", world.item.id)]
    assert item["public"] is True
    assert item["consultation"] == url("consultation", world.paper.id)
    assert [f["name"] for f in item["auxiliaryFile"]] == [
        "Settlement briefing",
        "Letter to the minister",
    ]

    paper = walk.objects[url("paper", world.paper.id)]
    assert paper["mainFile"]["fileName"] == "briefing.pdf"
    (consultation,) = paper["consultation"]
    assert consultation["agendaItem"] == url("agenda-item", world.item.id)
    assert consultation["meeting"] == url("meeting", world.held.id)

    file = walk.objects[url("file", world.paper.id)]
    assert (
        file["accessUrl"] == f"http://commission.test/oparl/v1.1/file/{world.paper.id}/briefing.pdf"
    )
    assert file["downloadUrl"] == f"http://commission.test/papers/{world.paper.id}/briefing.pdf"

    # The government consultation is a Paper, considered at the item that
    # discussed it; the draft one is not there, nor named by its item.
    discussed = walk.objects[url("paper", f"consultation-{world.consultation.id}")]
    assert discussed["paperType"] == "Government consultation"
    assert discussed["reference"] == world.consultation.reference
    (considered,) = discussed["consultation"]
    assert considered["id"] == url("consultation", f"item-{world.consultation_item.id}")
    assert considered["agendaItem"] == url("agenda-item", world.consultation_item.id)
    assert (
        walk.objects[url("agenda-item", world.consultation_item.id)]["consultation"]
        == (considered["id"])
    )
    forward_plan = next(i for i in meeting["agendaItem"] if i["name"] == "Forward plan")
    assert "consultation" not in forward_plan
    assert {p["name"] for p in walk.of_type("Paper")} == {
        "Settlement briefing",
        "Letter to the minister",
        "Fair funding review",
    }

    people = {p["name"]: p for p in walk.of_type("Person")}
    assert set(people) == {"Lee Leader", "May Mayor"}
    (membership,) = people["Lee Leader"]["membership"]
    assert membership["organization"] == url("organization", world.council.id)
    assert membership["role"] == "Council leader"
    organizations = {o["name"]: o for o in walk.of_type("Organization")}
    assert organizations["Walkshire Council"]["organizationType"] == "Member authority"
    assert organizations["Outside Council"]["organizationType"] == "Authority"
    assert organizations["Local Government Commission"]["id"] == url("organization", "commission")


def test_the_walk_for_what_changed_shows_removed_objects_as_deleted(client, app_ctx):
    world = build()

    walk = walk_graph(client, since=SINCE, limit=3)

    assert walk.deleted == {
        url("agenda-item", world.removed_item.id),
        *(url(kind, world.removed_paper_id) for kind in ("paper", "file", "consultation")),
        *(url(kind, world.replaced.id) for kind in ("paper", "file", "consultation")),
        url("person", world.former.id),
        url("membership", world.former.appointments[0].id),
    }


def test_nothing_the_public_pages_withhold_appears(client, app_ctx):
    world = build()

    walk = walk_graph(client, since=SINCE, limit=50)

    text = json.dumps(walk.objects)
    for withheld in (
        "Restricted annex",
        "Staffing",
        "Draft business",
        "Draft paper",
        "Future business",
        "Future paper",
        "Dee Deputy",
        "Ollie Officer",
        "Fay Former",
        "Withdrawn",
        "First draft of the letter",
        "Unannounced review",
        "Not yet approved",
        world.deputy.email,
        world.leader.email,
    ):
        assert withheld not in text, withheld
    for kind, key in [
        ("meeting", world.draft.id),
        ("paper", world.restricted.id),
        ("paper", world.secret_paper.id),
        ("paper", world.draft_paper.id),
        ("paper", world.unpublished_paper.id),
        ("file", world.restricted.id),
        ("consultation", world.secret_paper.id),
        ("agenda-item", world.unpublished_paper.agenda_item_id),
        ("person", world.deputy.id),
        ("person", world.officer.id),
        ("membership", world.deputy.appointments[0].id),
        ("location", world.draft.id),
        ("paper", f"consultation-{world.draft_consultation.id}"),
        ("consultation", "item-999999"),
        ("paper", "consultation-x"),
        ("file", f"minutes-{world.unapproved.id}"),
        ("file", f"minutes-{world.draft.id}"),
    ]:
        get_json(client, url(kind, key), status=404)
    # The meeting whose agenda is not published is listed without items.
    meeting = get_json(client, url("meeting", world.unpublished.id))
    assert "agendaItem" not in meeting


def test_the_same_as_the_public_even_when_signed_in(client, app_ctx):
    world = build()
    sign_in(client, factories.user(role=Role.SECRETARIAT))

    get_json(client, url("meeting", world.draft.id), status=404)
    get_json(client, url("paper", world.restricted.id), status=404)
    item = get_json(client, url("agenda-item", world.confidential.id))
    assert item["name"] == "Confidential item"
    assert item["public"] is False
    assert "auxiliaryFile" not in item or item["auxiliaryFile"] == []


# Removed objects ------------------------------------------------------------------------


def test_a_removed_object_answers_deleted_at_its_address(client, app_ctx):
    world = build()

    item = get_json(client, url("agenda-item", world.removed_item.id))
    assert item["deleted"] is True
    assert item["order"] == 1
    assert item["modified"] >= item["created"]
    paper = get_json(client, url("paper", world.removed_paper_id))
    assert paper == {
        "id": url("paper", world.removed_paper_id),
        "type": "https://schema.oparl.org/1.1/Paper",
        "created": paper["created"],
        "modified": paper["modified"],
        "deleted": True,
    }
    file = get_json(client, url("file", world.removed_paper_id))
    assert client.get(path_of(file["accessUrl"])).status_code == 410
    replaced = get_json(client, url("file", world.replaced.id))
    assert replaced["deleted"] is True
    assert client.get(path_of(replaced["accessUrl"])).status_code == 410


def test_removed_objects_are_listed_only_to_modified_since(client, app_ctx):
    world = build()
    plain = get_json(client, "/oparl/v1.1/body/commission/agenda-item")["data"]
    changed = get_json(
        client, f"/oparl/v1.1/body/commission/agenda-item?modified_since={quote(SINCE)}"
    )["data"]

    removed = url("agenda-item", world.removed_item.id)
    assert removed not in {o["id"] for o in plain}
    assert removed in {o["id"] for o in changed if o.get("deleted")}


def test_removing_an_item_from_a_draft_leaves_no_note(client, app_ctx):
    secretary = factories.user(role=Role.SECRETARIAT)
    draft = factories.meeting(status=MeetingStatus.DRAFT)
    item = factories.agenda_item(meeting=draft)
    item_id = item.id
    meeting_services.remove_item(item=item, actor=secretary)

    get_json(client, url("agenda-item", item_id), status=404)


# Lists: pages and filters --------------------------------------------------------------


def test_lists_page_with_links_next_and_keep_their_filters(client, app_ctx):
    meetings = [factories.meeting(published=True) for _ in range(5)]
    first = "/oparl/v1.1/body/commission/meeting?limit=2&created_since=2000-01-01T00%3A00%3A00Z"
    ids, page, pages = [], first, 0
    while page:
        body = get_json(client, page)
        ids.extend(o["id"] for o in body["data"])
        assert body["links"]["first"].endswith(
            "/meeting?created_since=2000-01-01T00%3A00%3A00Z&limit=2"
        )
        page = body["links"].get("next")
        if page:
            assert "created_since=2000-01-01T00%3A00%3A00Z" in page
            assert "limit=2" in page
        pages += 1
    assert ids == [url("meeting", m.id) for m in meetings]
    assert pages == 3


def test_created_and_modified_filters(client, app_ctx):
    old = factories.meeting(published=True)
    old.created_at = now_utc() - timedelta(days=10)
    db.session.flush()
    later = now_utc() - timedelta(days=1)
    new = factories.meeting(published=True)

    def ids(query: str) -> set[str]:
        body = get_json(client, f"/oparl/v1.1/body/commission/meeting?{query}")
        return {o["id"] for o in body["data"]}

    moment = quote(later.isoformat())
    assert ids(f"created_since={moment}") == {url("meeting", new.id)}
    assert ids(f"created_until={moment}") == {url("meeting", old.id)}
    # Both were changed just now (their agenda published): both modified since.
    assert ids(f"modified_since={moment}") == {url("meeting", old.id), url("meeting", new.id)}
    assert ids(f"modified_until={moment}") == set()


def test_omit_internal_leaves_out_the_embedded_lists(client, app_ctx):
    meeting = factories.meeting(published=True)
    factories.agenda_item(meeting=meeting)
    person = factories.person_at(authority=factories.council(), role=Role.LEADER)

    (listed,) = get_json(client, "/oparl/v1.1/body/commission/meeting?omit_internal=true")["data"]
    assert "agendaItem" not in listed
    people = get_json(client, "/oparl/v1.1/body/commission/person?omit_internal=true")["data"]
    assert [p["id"] for p in people] == [url("person", person.id)]
    assert "membership" not in people[0]


@pytest.mark.parametrize(
    "kind", ["meeting", "agenda-item", "paper", "file", "consultation", "organization", "person"]
)
def test_a_list_reads_the_same_number_of_statements_whatever_its_length(client, app_ctx, kind):
    def add(n):
        for _ in range(n):
            council = factories.council()
            factories.person_at(authority=council, role=Role.LEADER)
            meeting = factories.meeting(published=True)
            item = factories.agenda_item(meeting=meeting)
            item.consultation_id = factories.consultation().id
            factories.paper(item=item)
            factories.paper(item=item)

    list_url = f"/oparl/v1.1/body/commission/{kind}?limit=100&modified_since={quote(SINCE)}"
    add(2)
    with count_statements(selects_only=True) as few:
        get_json(client, list_url)
    add(8)
    with count_statements(selects_only=True) as many:
        body = get_json(client, list_url)
    assert len(body["data"]) >= 10
    assert len(many) == len(few)


def test_a_list_is_kept_until_a_record_changes(client, app_ctx):
    factories.meeting(published=True)
    list_url = "/oparl/v1.1/body/commission/meeting"
    first = get_json(client, list_url)
    with count_statements(selects_only=True) as kept:
        again = get_json(client, list_url)
    assert again == first
    assert not any("FROM meetings" in statement for statement in kept), kept

    factories.meeting(published=True)
    db.session.commit()  # any change to a record: the kept answer is not used again
    assert len(get_json(client, list_url)["data"]) == len(first["data"]) + 1


# Protocol: errors, CORS, conditional requests, files ------------------------------------


@pytest.mark.parametrize(
    "query",
    [
        "limit=0",
        "limit=101",
        "limit=many",
        "created_since=yesterday",
        "modified_since=2027-01-01T00:00:00",  # no zone
        "cursor=not-a-cursor",
        "cursor=WzksIDFd",  # a source that does not exist
        "limit=1&limit=2",
        "omit_internal=perhaps",
    ],
)
def test_invalid_parameters_are_an_oparl_error(client, app_ctx, query):
    body = get_json(client, f"/oparl/v1.1/body/commission/meeting?{query}", status=400)
    assert body["debug"]


@pytest.mark.parametrize(
    "path",
    [
        "/oparl/v1.1/meeting/999999",
        "/oparl/v1.1/meeting/abc",
        "/oparl/v1.1/meeting/007",
        "/oparl/v1.1/meeting/99999999999999999999999",
        "/oparl/v1.1/meeting/%C2%B2",  # a superscript two: a digit, not a number
        "/oparl/v1.1/meeting/%D9%A3",  # an Arabic-Indic three
        "/oparl/v1.1/widget/1",
        "/oparl/v1.1/organization/0",
        "/oparl/v1.1/legislative-term/1",
        "/oparl/v1.1/body/commission/widget",
        "/oparl/v1.1/nowhere",
        "/oparl/v1.1/file/999999/briefing.pdf",
    ],
)
def test_what_is_not_there_is_an_oparl_404(client, app_ctx, path):
    get_json(client, path, status=404)


def test_only_get(client, app_ctx):
    response = client.post("/oparl/v1.1/system")
    assert response.status_code == 405
    assert response.get_json()["type"] == "https://schema.oparl.org/1.1/Error"


def test_etag_and_last_modified_give_304(client, app_ctx):
    meeting = factories.meeting(published=True)
    path = f"/oparl/v1.1/meeting/{meeting.id}"
    first = client.get(path)
    assert first.headers["Last-Modified"]
    assert client.get(path, headers={"If-None-Match": first.headers["ETag"]}).status_code == 304
    meeting.venue = "Another room"
    db.session.flush()
    expect(client.get(path, headers={"If-None-Match": first.headers["ETag"]}))


def test_files_open_in_place_or_download(client, app_ctx):
    meeting = factories.meeting(published=True)
    item = factories.agenda_item(meeting=meeting)
    paper = factories.paper(item=item)
    restricted = factories.paper(item=item, public=False, filename="annex.pdf")
    file = get_json(client, url("file", paper.id))

    opened = client.get(path_of(file["accessUrl"]))
    expect(opened)
    assert opened.mimetype == "application/pdf"
    assert not opened.headers["Content-Disposition"].startswith("attachment")
    assert opened.data == factories.PDF_BYTES
    downloaded = client.get(path_of(file["downloadUrl"]))
    expect(downloaded)
    assert downloaded.headers["Content-Disposition"].startswith("attachment")
    assert client.get(f"/oparl/v1.1/file/{restricted.id}/annex.pdf").status_code == 404
    assert client.get(f"/oparl/v1.1/file/{paper.id}/other.pdf").status_code == 404


NASTY = ["abc", "-1", "0", str(2**70), "2026-02-30T00:00:00Z", "%", "a\x00b", "ü€", "x" * 600]


@pytest.mark.parametrize(
    "name",
    [
        "limit",
        "cursor",
        "created_since",
        "created_until",
        "modified_since",
        "modified_until",
        "omit_internal",
    ],
)
def test_no_parameter_value_is_a_server_error(client, app_ctx, name):
    factories.meeting(published=True)
    for value in NASTY:
        response = client.get(
            "/oparl/v1.1/body/commission/meeting",
            query_string={name: value, "limit": "1"} if name != "limit" else {name: value},
        )
        assert response.status_code < 500, (name, value)
        assert response.headers["Access-Control-Allow-Origin"] == "*"


def test_the_api_rate_limit_applies_with_an_oparl_error(client, app_ctx, app):
    app.config["API_RATE_LIMIT"] = "2 per minute"
    address = {"REMOTE_ADDR": "192.0.2.9"}
    try:
        for _ in range(2):
            expect(client.get(ROOT, environ_base=address))
        refused = client.get(ROOT, environ_base=address)
    finally:
        app.config["API_RATE_LIMIT"] = "120 per minute"

    assert refused.status_code == 429
    assert refused.get_json()["type"] == "https://schema.oparl.org/1.1/Error"
    assert refused.headers["Access-Control-Allow-Origin"] == "*"
    assert 0 < int(refused.headers["Retry-After"]) <= 60

"""Nothing private leaks: for every resource, what the API gives an anonymous
reader is compared with what the anonymous web pages show. A Commission is
built with something private of every kind (a deputy and an officer, a draft
meeting, an agenda not yet published, a confidential item with its papers, a
restricted paper, minutes not yet approved, a draft consultation, a live
summary, a draft government reply): none of it is in the API, everything
public is, and every piece of text the API gives is on a public page."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from commission.auth.roles import Role
from commission.consultations.models import ConsultationStatus
from commission.extensions import db
from commission.meetings.models import MeetingStatus
from commission.summaries.models import GovernmentReply
from commission.summaries.rows import frozen_rows, raw_rows
from commission.timeutil import now_utc
from tests import factories
from tests.pages import expect_json, main_text, ok, read_csv

SECRETS = [
    "Dora Deputy",
    "Oscar Officer",
    "Secret draft meeting",
    "Unpublished agenda item",
    "Secret merger talks",
    "Secret presenter",
    "Secret description",
    "Merger paper",
    "Restricted briefing",
    "Unapproved decision",
    "Confidential decision",
    "Secret draft consultation",
    "Live comment",
    "Draft reply text",
    "https://meet.example/secret-link",
]
PUBLIC = [
    "Alderley Council",
    "Lena Leader",
    "Housing update",
    "Public description",
    "Public paper",
    "Published decision",
    "Open consultation",
    "Published consultation",
    "Published comment",
    "Published reply text",
]
# Fields whose values are words a page shows (the rest are identifiers,
# codes, enumerations, numbers, times and addresses).
TEXT_FIELDS = {
    "name",
    "title",
    "presenter",
    "description",
    "text",
    "question_text",
    "overall",
    "label",
    "hint",
    "comment",
    "status_reason",
    "venue",
    "owner",
    "department",
    "lead_office",
    "authority",
    "event",
}


def build_commission() -> dict[str, Any]:
    council = factories.council(name="Alderley Council")
    factories.person_at(authority=council, role=Role.LEADER, full_name="Lena Leader")
    factories.person_at(authority=council, role=Role.DEPUTY, full_name="Dora Deputy")
    factories.person_at(authority=council, role=Role.OFFICER, full_name="Oscar Officer")

    draft = factories.meeting(status=MeetingStatus.DRAFT)
    draft.title = "Secret draft meeting"
    unpublished = factories.meeting()
    factories.agenda_item(meeting=unpublished, title="Unpublished agenda item")

    published = factories.meeting(published=True)
    published.online_link = "https://meet.example/secret-link"
    item = factories.agenda_item(meeting=published, title="Housing update", presenter="The chair")
    item.description = "Public description"
    factories.paper(item=item, title="Public paper")
    factories.paper(item=item, title="Restricted briefing", public=False)
    secret = factories.agenda_item(
        meeting=published,
        title="Secret merger talks",
        confidential=True,
        presenter="Secret presenter",
    )
    secret.description = "Secret description"
    factories.paper(item=secret, title="Merger paper")

    unapproved = factories.held_meeting()
    factories.decision(meeting=unapproved, text="Unapproved decision")
    factories.draft_minutes(meeting=unapproved)
    approved = factories.held_meeting(hour=14)
    open_item = factories.agenda_item(meeting=approved, title="Minutes item")
    closed_item = factories.agenda_item(
        meeting=approved, title="Secret merger talks", confidential=True
    )
    factories.decision(meeting=approved, item=open_item, text="Published decision")
    factories.decision(meeting=approved, item=closed_item, text="Confidential decision")
    factories.published_minutes(meeting=approved)

    factories.consultation(title="Secret draft consultation", status=ConsultationStatus.DRAFT)
    live = factories.consultation(title="Open consultation")
    response = factories.submitted_response(consultation=live, authority=council)
    response.submitted_comment = "Live comment"
    factories.summary_snapshot(consultation=live)
    db.session.add(GovernmentReply(consultation_id=live.id, overall="Draft reply text"))

    done = factories.consultation(
        title="Published consultation",
        opens_at=now_utc() - timedelta(days=400),
        closes_at=now_utc() - timedelta(days=370),
    )
    done_response = factories.submitted_response(consultation=done, authority=council)
    done_response.submitted_comment = "Published comment"
    db.session.flush()
    snapshot = factories.summary_snapshot(consultation=done, published=True)
    snapshot.answers = frozen_rows(raw_rows(done))
    done.status = ConsultationStatus.SUMMARY_PUBLISHED
    db.session.add(
        GovernmentReply(
            consultation_id=done.id, overall="Published reply text", published_at=now_utc()
        )
    )
    db.session.flush()
    return {"council": council}


def api_documents(client) -> list[Any]:
    """Every list page, every record it lists, and each published summary
    with its positions, as an anonymous reader gets them."""
    documents: list[Any] = []

    def walk(url: str) -> list[dict[str, Any]]:
        items = []
        while url:
            page = client.get(url).get_json()
            documents.append(page)
            items.extend(page["items"])
            url = page["next"]
        return items

    walk("/api/v1/office-holders?limit=100")
    for listing in ("authorities", "meetings", "consultations"):
        for item in walk(f"/api/v1/{listing}?limit=100"):
            documents.append(expect_json(client.get(item["url"])))
            if listing == "consultations" and item["summary_published"]:
                documents.append(client.get(item["url"] + "/summary").get_json())
                walk(item["url"] + "/positions")
    return documents


def web_text(client, documents: list[Any]) -> str:
    """The anonymous web pages of the same records (their lists, each
    record's page, minutes, published summaries and their CSV)."""
    texts = [main_text(ok(client.get(url))) for url in ("/authorities", "/consultations")]
    for document in documents:
        web_url = document.get("web_url") if isinstance(document, dict) else None
        if web_url:
            texts.append(main_text(ok(client.get(web_url))))
        minutes = document.get("minutes_url") if isinstance(document, dict) else None
        if minutes:
            texts.append(main_text(ok(client.get(minutes))))
        if isinstance(document, dict) and "figures" in document:
            reference = document["consultation"]
            texts.append(main_text(ok(client.get(f"/consultations/{reference}/summary"))))
            rows = read_csv(client.get(f"/consultations/{reference}/summary.csv"))
            texts.append(" ".join(" ".join(row) for row in rows))
    return " ".join(" ".join(texts).split())


def text_values(document: Any, field: str = "") -> list[str]:
    if isinstance(document, dict):
        return [v for key, value in document.items() for v in text_values(value, key)]
    if isinstance(document, list):
        return [v for value in document for v in text_values(value, field)]
    if isinstance(document, str) and field in TEXT_FIELDS and document:
        return [" ".join(document.split())]
    return []


def test_the_api_shows_what_the_anonymous_pages_show_and_nothing_more(client, app_ctx):
    build_commission()

    documents = api_documents(client)
    api = " ".join(str(documents).split())
    web = web_text(client, documents)

    assert [secret for secret in SECRETS if secret in api] == []
    assert [secret for secret in SECRETS if secret in web] == []
    assert [public for public in PUBLIC if public not in api] == []
    assert [public for public in PUBLIC if public not in web] == []
    shown = set(text_values(documents))
    assert len(shown) > 30
    assert sorted(text for text in shown if text not in web) == []

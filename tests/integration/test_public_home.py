"""The public home page: the next meeting, the consultations open now with
their closing dates, and the latest published summaries of councils'
positions and decisions, in a fixed number of statements."""

from __future__ import annotations

from datetime import timedelta

from commission.auth.roles import Role
from commission.consultations.models import ConsultationStatus
from commission.extensions import db
from commission.timeutil import format_date, format_datetime, now_utc, today
from tests import factories
from tests.conftest import count_selects
from tests.pages import expect, ok, page


def section_items(shown, heading_id: str) -> list[str]:
    heading = shown.select_one(f"#{heading_id}")
    assert heading is not None, heading_id
    listing = heading.find_next_sibling()
    if listing.name != "ul":
        return [listing.get_text(" ", strip=True)]
    return [" ".join(li.get_text(" ", strip=True).split()) for li in listing.select("li")]


def closed(title: str | None = None, days_ago: int = 1):
    return factories.consultation(
        title=title,
        opens_at=now_utc() - timedelta(days=days_ago + 60),
        closes_at=now_utc() - timedelta(days=days_ago),
    )


def approved_meeting(days_ago: int):
    held = factories.held_meeting(day=today() - timedelta(days=days_ago))
    factories.draft_minutes(meeting=held).approved_at = now_utc()
    return held


def test_the_public_see_open_consultations_summaries_and_decisions(client, app_ctx):
    closes = now_utc() + timedelta(days=9)
    care = factories.consultation(title="Adult social care", closes_at=closes)
    closed("Closed already")
    factories.consultation(title="Still a draft", status=ConsultationStatus.DRAFT)
    older = closed("Devolution", 30)
    newer = closed("Fair funding", 20)
    unpublished = closed("Not yet", 5)
    first = factories.summary_snapshot(consultation=older, published=True)
    first.created_at = now_utc() - timedelta(days=10)
    second = factories.summary_snapshot(consultation=newer, published=True)
    second.created_at = now_utc() - timedelta(days=2)
    factories.summary_snapshot(consultation=unpublished)
    last_month = approved_meeting(35)
    last_week = approved_meeting(7)
    draft = factories.held_meeting(day=today() - timedelta(days=3))
    factories.draft_minutes(meeting=draft)
    secret = factories.agenda_item(meeting=last_week, title="Confidential", confidential=True)
    factories.decision(meeting=last_month, text="The Commission agreed the work programme.")
    factories.decision(meeting=last_week, text="The Commission welcomed the pilot.")
    factories.decision(meeting=last_week, text="Kept between members.", item=secret)
    factories.decision(meeting=draft, text="Not yet approved.")
    db.session.flush()

    shown = ok(client.get("/"))
    assert section_items(shown, "public-consultations") == [
        f"Adult social care {care.department.name}. Closes {format_datetime(closes)}"
    ]
    assert section_items(shown, "public-summaries") == [
        f"Fair funding Published {format_date(second.created_at)}",
        f"Devolution Published {format_date(first.created_at)}",
    ]
    decisions = section_items(shown, "public-decisions")
    assert [d.split(", meeting of")[0] for d in decisions] == [
        f"{last_week.record_reference}/D1",
        f"{last_month.record_reference}/D1",
    ]
    assert "The Commission welcomed the pilot." in decisions[0]
    links = {a.get_text(" ", strip=True): a["href"] for a in shown.select("main a")}
    assert links["Adult social care"] == f"/consultations/{care.reference}"
    assert links["Fair funding"] == f"/consultations/{newer.reference}/summary"
    assert links[f"Read the minutes of the meeting of {format_date(last_week.starts_at)}"] == (
        f"/meetings/{last_week.slug}/minutes"
    )
    assert links["All consultations"] == "/consultations"
    assert links["Search all decisions"] == "/decisions"


def test_the_public_home_page_says_when_there_is_nothing_yet(client, app_ctx):
    shown = ok(client.get("/"))
    assert section_items(shown, "public-consultations") == [
        "No consultation is open at the moment."
    ]
    assert section_items(shown, "public-summaries") == ["No summary has been published yet."]
    assert section_items(shown, "public-decisions") == ["No decisions have been published yet."]


def test_signed_in_people_have_their_own_home_page(client, login_as):
    factories.consultation(title="Adult social care")
    login_as(Role.LEADER)
    shown = page(ok(client.get("/")))
    assert shown.select_one("#public-consultations") is None


def add_news(n: int) -> None:
    for i in range(n):
        factories.consultation(closes_at=now_utc() + timedelta(days=3 + i))
        factories.summary_snapshot(consultation=closed(days_ago=3 + i), published=True)
        held = approved_meeting(10 + 7 * i + n)
        factories.decision(meeting=held)
    db.session.flush()


def test_the_public_home_pages_statements_do_not_grow(client, app_ctx):
    add_news(1)
    client.get("/")
    with count_selects() as few:
        expect(client.get("/"), 200)
    add_news(6)
    with count_selects() as many:
        expect(client.get("/"), 200)
    assert len(many) == len(few)

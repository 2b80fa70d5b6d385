"""The secretariat's agenda builder: add, change, remove and reorder items
(no JavaScript), with start times worked out from the meeting's start and a
warning when the agenda runs past the end. Once the agenda is published every
change is listed publicly; a held or cancelled meeting's agenda is fixed."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from commission.auth.roles import Role
from commission.extensions import db
from commission.meetings.models import AgendaChange, AgendaItem, AgendaItemKind, MeetingStatus
from tests import factories
from tests.conftest import count_selects
from tests.factories import london_time
from tests.pages import (
    banner,
    csrf_token_from,
    error_summary,
    expect,
    heading,
    main_text,
    ok,
    page,
    table_rows,
    text_of,
)

FORBIDDEN_ROLES = [Role.LEADER, Role.OFFICER, Role.MINISTER, Role.CHAIR]


def item_data(**overrides) -> dict:
    data = {
        "kind": "ministerial_session",
        "title": "Local government finance settlement",
        "duration_minutes": "45",
        "presenter": "Minister for Local Government",
        "description": "The **provisional** settlement:\n\n- core spending power\n- council tax",
        "confidential": "",
    }
    data.update(overrides)
    return data


def items_of(meeting) -> list[AgendaItem]:
    return list(
        db.session.execute(
            select(AgendaItem)
            .where(AgendaItem.meeting_id == meeting.id)
            .order_by(AgendaItem.position, AgendaItem.id)
        ).scalars()
    )


def titles_of(meeting) -> list[str]:
    return [item.title for item in items_of(meeting)]


def changes_of(meeting) -> list[str]:
    return list(
        db.session.execute(
            select(AgendaChange.summary)
            .where(AgendaChange.meeting_id == meeting.id)
            .order_by(AgendaChange.id)
        ).scalars()
    )


def builder_rows(response) -> list[list[str]]:
    return table_rows(response, "main table")


def warning(response) -> str:
    element = page(response).select_one("main .govuk-warning-text__text")
    return element.get_text(" ", strip=True) if element else ""


@pytest.fixture
def secretariat(login_as):
    return login_as(Role.SECRETARIAT, full_name="Sam Secretariat")


@pytest.fixture
def meeting():
    """Tuesday 13 July 2027, 10:30am to 1pm London time (BST)."""
    return factories.meeting(starts_at=london_time(date(2027, 7, 13), 10, 30), minutes=150)


# Who may use the builder ---------------------------------------------------------------------

BUILDER_PAGES = [
    ("get", "/meetings/{slug}/agenda"),
    ("get", "/meetings/{slug}/agenda/items/new"),
    ("post", "/meetings/{slug}/agenda/items/new"),
    ("get", "/meetings/{slug}/agenda/items/{item}/edit"),
    ("post", "/meetings/{slug}/agenda/items/{item}/edit"),
    ("get", "/meetings/{slug}/agenda/items/{item}/remove"),
    ("post", "/meetings/{slug}/agenda/items/{item}/remove"),
    ("post", "/meetings/{slug}/agenda/items/{item}/move"),
]


@pytest.mark.parametrize("role", [*FORBIDDEN_ROLES, None])
@pytest.mark.parametrize(("method", "path"), BUILDER_PAGES)
def test_only_the_secretariat_may_build_agendas(client, login_as, meeting, role, method, path):
    item = factories.agenda_item(meeting=meeting, title="Existing")
    factories.agenda_item(meeting=meeting, title="Second")
    if role is not None:
        login_as(role)
    response = getattr(client, method)(
        path.format(slug=meeting.slug, item=item.id),
        data=item_data(title="Changed", direction="down"),
    )
    if role is None:
        expect(response, 302)
        assert response.headers["Location"].startswith("/sign-in?next=")
    else:
        expect(response, 403)
        assert heading(response) == "You do not have permission to see this page"
    assert titles_of(meeting) == ["Existing", "Second"]


# Adding items ------------------------------------------------------------------------------


def test_add_item_form(client, secretariat, meeting):
    response = client.get(f"/meetings/{meeting.slug}/agenda/items/new")
    assert heading(response) == "Add an agenda item"
    form = page(response).select_one("main form")
    assert form.select_one("input[name=duration_minutes]")["value"] == "15"
    kinds = [o.get_text() for o in form.select("select[name=kind] option")]
    assert kinds == [kind.label for kind in AgendaItemKind]


def test_adding_an_item_stores_it_and_shows_it_in_the_builder(client, secretariat, meeting):
    response = client.post(
        f"/meetings/{meeting.slug}/agenda/items/new", data=item_data(confidential="y")
    )
    assert response.headers["Location"] == f"/meetings/{meeting.slug}/agenda"
    [item] = items_of(meeting)
    assert item.kind is AgendaItemKind.MINISTERIAL_SESSION
    assert item.title == "Local government finance settlement"
    assert item.duration_minutes == 45
    assert item.presenter == "Minister for Local Government"
    assert item.description.startswith("The **provisional** settlement")
    assert item.confidential is True
    assert item.position == 1
    assert changes_of(meeting) == []  # not published yet, so nothing to announce

    builder = client.get(f"/meetings/{meeting.slug}/agenda")
    assert heading(builder) == "Build the agenda"
    assert banner(builder) == "Success Agenda item saved"
    [row] = builder_rows(builder)
    assert row[0] == "10:30am 45 min"
    assert row[1] == (
        "1. Local government finance settlement Ministerial session · "
        "Minister for Local Government · Confidential"
    )
    assert row[2] == "None"


def test_description_is_rendered_as_sanitised_markdown(client, secretariat, meeting):
    client.post(
        f"/meetings/{meeting.slug}/agenda/items/new",
        data=item_data(
            description='**Key** point <script>alert("x")</script> [link](javascript:alert(1))'
        ),
    )
    response = client.get(f"/meetings/{meeting.slug}")
    [item] = items_of(meeting)
    section = page(response).select_one(f"#item-{item.id}")
    assert section.select_one("strong").get_text() == "Key"
    assert section.select_one("script") is None
    assert "alert" not in str(section)
    # The unsafe link keeps its words and loses the link (an <a> without an
    # address would not be valid HTML).
    assert section.select_one("p.govuk-body a") is None
    assert "link" in section.select_one("p.govuk-body").get_text()


def test_items_are_added_at_the_end(client, secretariat, meeting):
    factories.agenda_item(meeting=meeting, title="Welcome")
    client.post(f"/meetings/{meeting.slug}/agenda/items/new", data=item_data(title="Finance"))
    assert titles_of(meeting) == ["Welcome", "Finance"]
    assert [i.position for i in items_of(meeting)] == [1, 2]


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        ({"title": ""}, ("Enter a title", "#title")),
        ({"title": "   "}, ("Enter a title", "#title")),
        ({"title": "x" * 201}, ("Title must be 200 characters or fewer", "#title")),
        ({"duration_minutes": ""}, ("Enter the duration in minutes", "#duration_minutes")),
        (
            {"duration_minutes": "0"},
            ("Duration must be 1 minute or more", "#duration_minutes"),
        ),
        (
            {"duration_minutes": "-10"},
            ("Duration must be 1 minute or more", "#duration_minutes"),
        ),
        (
            {"duration_minutes": "ten"},
            ("Enter the duration in minutes as a whole number", "#duration_minutes"),
        ),
        (
            {"duration_minutes": "7.5"},
            ("Enter the duration in minutes as a whole number", "#duration_minutes"),
        ),
        (
            {"duration_minutes": "481"},
            ("Duration must be 480 minutes (8 hours) or fewer", "#duration_minutes"),
        ),
        ({"kind": "party"}, ("Select kind of item from the options given", "#kind")),
        (
            {"consultation": "999999"},
            ("Select a consultation from the list", "#consultation"),
        ),
        (
            {"description": "x" * 5001},
            ("Description must be 5,000 characters or fewer", "#description"),
        ),
    ],
)
def test_item_validation(client, secretariat, meeting, overrides, expected):
    response = client.post(
        f"/meetings/{meeting.slug}/agenda/items/new", data=item_data(**overrides)
    )
    assert heading(response) == "Add an agenda item"
    assert error_summary(response) == [expected]
    assert items_of(meeting) == []


def test_an_eight_hour_item_is_allowed(client, secretariat, meeting):
    client.post(
        f"/meetings/{meeting.slug}/agenda/items/new", data=item_data(duration_minutes="480")
    )
    assert [i.duration_minutes for i in items_of(meeting)] == [480]


# Start times and overruns -------------------------------------------------------------------


def test_start_times_follow_the_durations(client, secretariat, meeting):
    for title, minutes in [("Welcome", 30), ("Finance", 45), ("Housing", 20), ("AOB", 15)]:
        factories.agenda_item(meeting=meeting, title=title, duration_minutes=minutes)
    builder = client.get(f"/meetings/{meeting.slug}/agenda")
    assert [row[0] for row in builder_rows(builder)] == [
        "10:30am 30 min",
        "11am 45 min",
        "11:45am 20 min",
        "12:05pm 15 min",
    ]
    assert "110 of 150 minutes planned." in main_text(builder)
    assert warning(builder) == ""

    public = client.get(f"/meetings/{meeting.slug}")
    times = [p.get_text(" ", strip=True) for p in page(public).select("main li p.govuk-body-s")]
    assert [t.split(",")[0] for t in times] == ["10:30am", "11am", "11:45am", "12:05pm"]


def test_start_times_in_winter_are_london_times_too(client, secretariat):
    meeting = factories.meeting(starts_at=london_time(date(2027, 1, 12), 14, 0), minutes=60)
    factories.agenda_item(meeting=meeting, duration_minutes=40)
    factories.agenda_item(meeting=meeting, duration_minutes=20)
    rows = builder_rows(client.get(f"/meetings/{meeting.slug}/agenda"))
    assert [row[0] for row in rows] == ["2pm 40 min", "2:40pm 20 min"]


def test_agenda_that_overruns_the_meeting_is_warned_about(client, secretariat, meeting):
    factories.agenda_item(meeting=meeting, duration_minutes=90)
    factories.agenda_item(meeting=meeting, duration_minutes=75)
    builder = client.get(f"/meetings/{meeting.slug}/agenda")
    assert warning(builder) == (
        "Warning The agenda runs 15 minutes past the end of the meeting "
        "(165 minutes of items in a 150 minute meeting)."
    )
    assert [row[0] for row in builder_rows(builder)] == ["10:30am 90 min", "12pm 75 min"]


def test_agenda_that_fills_the_meeting_exactly_is_not_an_overrun(client, secretariat, meeting):
    factories.agenda_item(meeting=meeting, duration_minutes=150)
    builder = client.get(f"/meetings/{meeting.slug}/agenda")
    assert warning(builder) == ""
    assert "150 of 150 minutes planned." in main_text(builder)


# Changing and removing -----------------------------------------------------------------------


def test_changing_an_item(client, secretariat, meeting):
    item = factories.agenda_item(meeting=meeting, title="Finance", presenter="Treasury")
    form = client.get(f"/meetings/{meeting.slug}/agenda/items/{item.id}/edit")
    assert heading(form) == "Change an agenda item"
    fields = page(form).select_one("main form")
    assert fields.select_one("input[name=title]")["value"] == "Finance"
    assert fields.select_one("select[name=kind] option[selected]")["value"] == "discussion"
    assert fields.select_one("input[name=duration_minutes]")["value"] == "30"

    response = client.post(
        f"/meetings/{meeting.slug}/agenda/items/{item.id}/edit",
        data=item_data(title="Finance update", duration_minutes="20", presenter=""),
    )
    assert response.headers["Location"] == f"/meetings/{meeting.slug}/agenda"
    [changed] = items_of(meeting)
    assert (changed.title, changed.duration_minutes, changed.presenter) == (
        "Finance update",
        20,
        None,
    )


def test_changing_an_item_validates_too(client, secretariat, meeting):
    item = factories.agenda_item(meeting=meeting, title="Finance")
    response = client.post(
        f"/meetings/{meeting.slug}/agenda/items/{item.id}/edit",
        data=item_data(duration_minutes="0"),
    )
    assert error_summary(response) == [("Duration must be 1 minute or more", "#duration_minutes")]
    assert [(i.title, i.duration_minutes) for i in items_of(meeting)] == [("Finance", 30)]


def test_item_of_another_meeting_is_not_found(client, secretariat, meeting):
    other = factories.meeting()
    item = factories.agenda_item(meeting=other)
    for action in ("edit", "remove"):
        expect(client.get(f"/meetings/{meeting.slug}/agenda/items/{item.id}/{action}"), 404)


def test_removing_an_item_asks_first(client, secretariat, meeting):
    first = factories.agenda_item(meeting=meeting, title="Welcome")
    second = factories.agenda_item(meeting=meeting, title="Finance")
    third = factories.agenda_item(meeting=meeting, title="AOB")
    factories.paper(item=second)
    confirm = client.get(f"/meetings/{meeting.slug}/agenda/items/{second.id}/remove")
    assert heading(confirm) == "Remove 'Finance' from the agenda"
    assert "Its papers are removed with it." in main_text(confirm)
    assert titles_of(meeting) == ["Welcome", "Finance", "AOB"]

    response = client.post(f"/meetings/{meeting.slug}/agenda/items/{second.id}/remove")
    assert response.headers["Location"] == f"/meetings/{meeting.slug}/agenda"
    assert [(i.id, i.position) for i in items_of(meeting)] == [(first.id, 1), (third.id, 2)]
    assert banner(client.get(f"/meetings/{meeting.slug}/agenda")) == (
        "Success Removed 'Finance' from the agenda"
    )


def test_removing_an_item_with_a_replaced_paper(client, secretariat, meeting):
    item = factories.agenda_item(meeting=meeting, title="Finance")
    old = factories.paper(item=item, title="v1")
    new = factories.paper(item=item, title="v2", data=factories.PDF_BYTES + b"% v2\n")
    old.superseded_by = new
    response = client.post(f"/meetings/{meeting.slug}/agenda/items/{item.id}/remove")
    expect(response, 302)
    assert items_of(meeting) == []


# Reordering --------------------------------------------------------------------------------


def test_move_buttons_are_offered_where_they_make_sense(client, secretariat, meeting):
    for title in ("Welcome", "Finance", "AOB"):
        factories.agenda_item(meeting=meeting, title=title)
    builder = client.get(f"/meetings/{meeting.slug}/agenda")
    buttons = [
        [b.get_text(" ", strip=True) for b in row.select("button")]
        for row in page(builder).select("main tbody tr")
    ]
    assert buttons == [
        ["Move down Welcome"],
        ["Move up Finance", "Move down Finance"],
        ["Move up AOB"],
    ]


def test_moving_items_up_and_down_with_csrf(client, secretariat, meeting, csrf_enabled):
    welcome = factories.agenda_item(meeting=meeting, title="Welcome", duration_minutes=10)
    finance = factories.agenda_item(meeting=meeting, title="Finance", duration_minutes=40)
    aob = factories.agenda_item(meeting=meeting, title="AOB", duration_minutes=15)
    builder = client.get(f"/meetings/{meeting.slug}/agenda")
    token = csrf_token_from(builder)

    response = client.post(
        f"/meetings/{meeting.slug}/agenda/items/{aob.id}/move",
        data={"csrf_token": token, "direction": "up"},
    )
    assert response.headers["Location"] == f"/meetings/{meeting.slug}/agenda?moved={aob.id}"
    assert titles_of(meeting) == ["Welcome", "AOB", "Finance"]
    assert [i.position for i in items_of(meeting)] == [1, 2, 3]

    client.post(
        f"/meetings/{meeting.slug}/agenda/items/{welcome.id}/move",
        data={"csrf_token": token, "direction": "down"},
    )
    assert titles_of(meeting) == ["AOB", "Welcome", "Finance"]
    rows = builder_rows(client.get(f"/meetings/{meeting.slug}/agenda"))
    assert [row[0] for row in rows] == ["10:30am 15 min", "10:45am 10 min", "10:55am 40 min"]
    assert finance.id == items_of(meeting)[2].id


def test_a_move_is_confirmed_and_the_moved_item_takes_the_focus(client, secretariat, meeting):
    factories.agenda_item(meeting=meeting, title="Welcome")
    finance = factories.agenda_item(meeting=meeting, title="Finance")
    factories.agenda_item(meeting=meeting, title="AOB")

    moved = client.post(
        f"/meetings/{meeting.slug}/agenda/items/{finance.id}/move",
        data={"direction": "down"},
        follow_redirects=True,
    )

    shown = ok(moved)
    assert banner(shown) == "Success Moved 'Finance' down: it is now item 3 of 3"
    # The banner is announced but does not take the focus: the moved item does.
    notice = shown.select_one(".govuk-notification-banner")
    assert notice["data-disable-auto-focus"] == "true"
    assert notice["role"] == "alert"
    focused = shown.select("main [autofocus]")
    assert [text_of(element) for element in focused] == ["3. Finance"]
    assert focused[0]["tabindex"] == "-1"


def test_the_builder_focuses_nothing_and_the_banner_as_usual_without_a_move(
    client, secretariat, meeting
):
    item = factories.agenda_item(meeting=meeting, title="Welcome")
    changed = client.post(
        f"/meetings/{meeting.slug}/agenda/items/{item.id}/edit",
        data=item_data(title="Welcome and apologies"),
        follow_redirects=True,
    )
    shown = ok(changed)
    assert shown.select("main [autofocus]") == []
    assert shown.select_one(".govuk-notification-banner").get("data-disable-auto-focus") != "true"
    # Whatever follows ?moved= is only a hint: an unknown or odd value focuses nothing.
    for odd in ("99999999", "x", "1e9"):
        assert (
            ok(client.get(f"/meetings/{meeting.slug}/agenda?moved={odd}")).select(
                "main [autofocus]"
            )
            == []
        )


def test_moving_without_a_csrf_token_is_refused(client, secretariat, meeting, csrf_enabled):
    factories.agenda_item(meeting=meeting, title="Welcome")
    second = factories.agenda_item(meeting=meeting, title="Finance")
    response = client.post(
        f"/meetings/{meeting.slug}/agenda/items/{second.id}/move", data={"direction": "up"}
    )
    expect(response, 400)
    assert heading(response) == "There is a problem with your request"
    assert titles_of(meeting) == ["Welcome", "Finance"]


def test_moving_past_either_end_changes_nothing(client, secretariat, meeting):
    first = factories.agenda_item(meeting=meeting, title="Welcome")
    last = factories.agenda_item(meeting=meeting, title="Finance")
    client.post(f"/meetings/{meeting.slug}/agenda/items/{first.id}/move", data={"direction": "up"})
    client.post(f"/meetings/{meeting.slug}/agenda/items/{last.id}/move", data={"direction": "down"})
    assert titles_of(meeting) == ["Welcome", "Finance"]


def test_moving_in_a_made_up_direction_is_a_bad_request(client, secretariat, meeting):
    factories.agenda_item(meeting=meeting, title="Welcome")
    second = factories.agenda_item(meeting=meeting, title="Finance")
    response = client.post(
        f"/meetings/{meeting.slug}/agenda/items/{second.id}/move", data={"direction": "sideways"}
    )
    expect(response, 400)
    assert titles_of(meeting) == ["Welcome", "Finance"]


# Held and cancelled meetings --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "label"), [(MeetingStatus.HELD, "held"), (MeetingStatus.CANCELLED, "cancelled")]
)
def test_a_fixed_agenda_cannot_be_changed(client, secretariat, status, label):
    meeting = factories.meeting(starts_at=datetime.now(UTC) - timedelta(days=5), published=True)
    first = factories.agenda_item(meeting=meeting, title="Welcome", duration_minutes=10)
    second = factories.agenda_item(meeting=meeting, title="Finance", duration_minutes=40)
    meeting.status = status
    base = f"/meetings/{meeting.slug}/agenda"
    message = f"The agenda of a meeting that is {label} cannot be changed"

    builder = client.get(base)
    assert f"This meeting is {label}, so its agenda can no longer be changed." in main_text(builder)
    assert page(builder).select("main button") == []
    assert "Add an item" not in main_text(builder)

    added = client.post(f"{base}/items/new", data=item_data(title="Late item"))
    assert error_summary(added) == [(message, "")]
    changed = client.post(f"{base}/items/{first.id}/edit", data=item_data(title="Renamed"))
    assert error_summary(changed) == [(message, "")]
    removed = client.post(f"{base}/items/{first.id}/remove")
    assert error_summary(removed) == [(message, "")]
    moved = client.post(f"{base}/items/{second.id}/move", data={"direction": "up"})
    expect(moved, 302)
    assert banner(client.get(base)) == f"Important {message}"

    assert [(i.title, i.duration_minutes, i.position) for i in items_of(meeting)] == [
        ("Welcome", 10, 1),
        ("Finance", 40, 2),
    ]
    assert changes_of(meeting) == []


# After publication -----------------------------------------------------------------------------


def updates(response) -> str:
    element = page(response).select_one("main .govuk-notification-banner")
    return element.get_text(" ", strip=True) if element else ""


def test_changes_after_publication_are_listed_on_the_public_page(client, login_as, meeting):
    login_as(Role.SECRETARIAT)
    welcome = factories.agenda_item(meeting=meeting, title="Welcome")
    finance = factories.agenda_item(meeting=meeting, title="Finance")
    client.post(f"/meetings/{meeting.slug}/publish")
    with client.session_transaction() as session:
        session.clear()
    assert updates(client.get(f"/meetings/{meeting.slug}")) == ""

    login_as(Role.SECRETARIAT)
    base = f"/meetings/{meeting.slug}/agenda"
    builder = client.get(base)
    assert "The agenda is published. Changes you make now are listed" in main_text(builder)
    client.post(f"{base}/items/new", data=item_data(title="Housing"))
    client.post(f"{base}/items/{finance.id}/edit", data=item_data(title="Finance update"))
    client.post(f"{base}/items/{finance.id}/move", data={"direction": "up"})
    client.post(f"{base}/items/{welcome.id}/remove")
    assert changes_of(meeting) == [
        "Item added: Housing",
        "Item changed: Finance update",
        "Item moved up: Finance update",
        "Item removed: Welcome",
    ]

    with client.session_transaction() as session:
        session.clear()
    public = client.get(f"/meetings/{meeting.slug}")
    text = updates(public)
    assert text.startswith("Important Agenda updated on ")
    for change in changes_of(meeting):
        assert change in text
    stored = db.session.get(type(meeting), meeting.id)
    assert stored.agenda_updated_at is not None
    assert stored.status is MeetingStatus.AGENDA_PUBLISHED


def test_saving_an_item_unchanged_after_publication_records_nothing(client, secretariat):
    meeting = factories.meeting(published=True)
    item = factories.agenda_item(meeting=meeting, title="Finance", presenter="Treasury")
    client.post(
        f"/meetings/{meeting.slug}/agenda/items/{item.id}/edit",
        data=item_data(
            kind="discussion",
            title="Finance",
            duration_minutes="30",
            presenter="Treasury",
            description="",
        ),
    )
    assert changes_of(meeting) == []


def test_time_change_after_publication_is_listed(client, secretariat, meeting):
    meeting.status = MeetingStatus.AGENDA_PUBLISHED
    meeting.agenda_published_at = datetime.now(UTC)
    factories.agenda_item(meeting=meeting)
    client.post(
        f"/meetings/{meeting.slug}/edit",
        data={"day": ["13", "7", "2027"], "starts": "11:00", "ends": "13:30", "venue": ""},
    )
    assert changes_of(meeting) == ["Time changed to Tuesday 13 July 2027, 11am to 1:30pm"]


def test_public_update_list_does_not_reveal_confidential_items(client, login_as, meeting):
    login_as(Role.SECRETARIAT)
    meeting.status = MeetingStatus.AGENDA_PUBLISHED
    meeting.agenda_published_at = datetime.now(UTC)
    factories.agenda_item(meeting=meeting, title="Welcome")
    base = f"/meetings/{meeting.slug}/agenda"
    client.post(
        f"{base}/items/new", data=item_data(title="Intervention at Testshire", confidential="y")
    )
    [_, secret] = items_of(meeting)
    client.post(f"{base}/items/{secret.id}/move", data={"direction": "up"})
    client.post(
        f"{base}/items/{secret.id}/edit",
        data=item_data(title="Intervention at Testshire Council", confidential="y"),
    )
    client.post(f"{base}/items/{secret.id}/remove")

    with client.session_transaction() as session:
        session.clear()
    public = client.get(f"/meetings/{meeting.slug}")
    assert updates(public).startswith("Important Agenda updated on ")
    assert "Intervention" not in public.get_data(as_text=True)
    assert changes_of(meeting) == [
        "Item added: Confidential item",
        "Item moved up: Confidential item",
        "Item changed: Confidential item",
        "Item removed: Confidential item",
    ]


# Query counts ------------------------------------------------------------------------------------


def meeting_with_items(count: int):
    meeting = factories.meeting()
    for n in range(count):
        item = factories.agenda_item(meeting=meeting, title=f"Item {n}", duration_minutes=5)
        old = factories.paper(item=item, title=f"Paper {n}")
        new = factories.paper(item=item, title=f"Paper {n} v2", public=False)
        old.superseded_by = new
    return meeting


def test_builder_queries_do_not_grow_with_items(client, secretariat):
    small, large = (f"/meetings/{meeting_with_items(n).slug}/agenda" for n in (3, 15))
    client.get(small)
    with count_selects() as few:
        assert len(builder_rows(client.get(small))) == 3
    with count_selects() as many:
        assert len(builder_rows(client.get(large))) == 15
    assert len(many) <= len(few), many


def test_builder_shows_no_items_yet(client, secretariat, meeting):
    builder = client.get(f"/meetings/{meeting.slug}/agenda")
    assert "There are no items on this agenda yet." in main_text(builder)
    assert "0 of 150 minutes planned." in main_text(builder)
    assert db.session.execute(select(func.count()).select_from(AgendaItem)).scalar_one() == 0

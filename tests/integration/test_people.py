"""The secretariat's people pages: inviting, the list, giving and ending roles,
deactivating and reactivating accounts, and resending invitations."""

from __future__ import annotations

from datetime import date, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import func, select

from commission.auth.models import AccountToken, Appointment, TokenPurpose, User
from commission.auth.roles import Role
from commission.extensions import db
from commission.people import services
from commission.timeutil import today
from tests import factories
from tests.conftest import audit_events, count_selects
from tests.pages import (
    banner,
    error_summary,
    expect,
    heading,
    main_text,
    ok,
    page,
    read_csv,
    summary_list,
    table_records,
    table_rows,
)

NEW_EMAIL = "ada.lovelace@example.gov.uk"


def invite_data(**overrides) -> dict:
    data = {
        "full_name": "Ada Lovelace",
        "email": NEW_EMAIL,
        "role": "chair",
        "authority": "",
        "office": "",
        "starts_on": ["", "", ""],
    }
    data.update(overrides)
    return data


def users_with_email(email: str) -> list[User]:
    return list(
        db.session.execute(select(User).where(func.lower(User.email) == email.lower())).scalars()
    )


@pytest.fixture
def secretariat(login_as):
    return login_as(Role.SECRETARIAT, full_name="Priya Natarajan")


# Inviting ---------------------------------------------------------------------


def test_invite_page_offers_every_role(client, secretariat):
    response = client.get("/people/invite")
    assert heading(response) == "Invite someone"
    labels = [label.get_text(strip=True) for label in page(response).select(".govuk-radios__label")]
    assert labels == [role.label for role in Role]
    assert "The link works once, for 7 days" in main_text(response)


def test_inviting_someone_stores_the_account_role_and_link(client, secretariat, outbox):
    response = client.post(
        "/people/invite",
        data=invite_data(
            full_name="  Ada Lovelace ",
            email="Ada.Lovelace@Example.GOV.uk",
            starts_on=["1", "4", "2027"],
        ),
    )
    [user] = users_with_email(NEW_EMAIL)
    expect(response, 302, location=f"/people/{user.id}")
    assert user.email == NEW_EMAIL
    assert user.full_name == "Ada Lovelace"
    assert user.password_hash is None
    assert user.active is True
    [appointment] = user.appointments
    assert appointment.role is Role.CHAIR
    assert appointment.starts_on == date(2027, 4, 1)
    assert appointment.ends_on is None
    assert appointment.created_by_id == secretariat.id
    [token] = db.session.execute(
        select(AccountToken).where(AccountToken.user_id == user.id)
    ).scalars()
    assert token.purpose is TokenPurpose.INVITATION
    assert token.created_by_id == secretariat.id
    assert token.used_at is None
    [event_] = audit_events("invitation_sent")
    assert event_.actor_id == secretariat.id
    assert event_.subject_id == user.id
    assert event_.details["role"] == "chair"
    assert event_.details["starts_on"] == "2027-04-01"
    [message] = outbox
    assert message["To"] == NEW_EMAIL
    assert message["Subject"] == "You have been invited to the Local Government Commission"
    body = message.get_content()
    assert "Dear Ada Lovelace" in body
    assert "Priya Natarajan has invited you" in body
    assert "http://commission.test/set-password/" in body


def test_after_inviting_the_person_page_shows_them_as_invited(client, secretariat):
    response = client.post("/people/invite", data=invite_data())
    person_page = client.get(response.headers["Location"])
    assert banner(person_page) == f"Success Invitation sent to {NEW_EMAIL}"
    assert heading(person_page) == "Ada Lovelace"
    details = summary_list(person_page)
    assert details["Email address"] == NEW_EMAIL
    assert details["Account"] == "Invited"
    assert details["Last signed in"] == "Never"
    [role] = table_records(person_page)
    assert role["Role"] == "Chair"
    assert role["Status"] == "Current"
    assert page(person_page).find("a", string="Send a new invitation") is not None


def test_a_blank_start_date_means_today(client, secretariat):
    client.post("/people/invite", data=invite_data())
    [user] = users_with_email(NEW_EMAIL)
    assert user.appointments[0].starts_on == today()


def test_inviting_an_officer_of_a_council(client, secretariat):
    council = factories.council(name="Wigan Council")
    client.post("/people/invite", data=invite_data(role="officer", authority=str(council.id)))
    [user] = users_with_email(NEW_EMAIL)
    [appointment] = user.appointments
    assert appointment.role is Role.OFFICER
    assert appointment.authority_id == council.id


def test_names_in_banners_are_shown_as_text_not_markup(client, secretariat):
    response = client.post("/people/invite", data=invite_data(full_name="Ada <b>Bold</b>"))
    person_page = client.get(response.headers["Location"])
    notice = page(person_page).select_one(".govuk-notification-banner")
    assert notice.find("b") is None
    assert heading(person_page) == "Ada <b>Bold</b>"


def test_missing_name_is_linked_to_its_field(client, secretariat, outbox):
    response = client.post("/people/invite", data=invite_data(full_name="   "))
    assert heading(response) == "Invite someone"
    assert error_summary(response) == [("Enter the person's full name", "#full_name")]
    assert users_with_email(NEW_EMAIL) == []
    assert outbox == []


def test_malformed_email_is_linked_to_its_field(client, secretariat):
    response = client.post("/people/invite", data=invite_data(email="ada.lovelace"))
    assert error_summary(response) == [
        ("Enter an email address in the correct format, like name@example.gov.uk", "#email")
    ]


def test_no_role_chosen_is_linked_to_the_first_radio(client, secretariat):
    data = invite_data()
    del data["role"]
    response = client.post("/people/invite", data=data)
    assert error_summary(response) == [("Select a role", "#role")]
    assert page(response).select_one("input#role[type=radio]") is not None
    assert users_with_email(NEW_EMAIL) == []


def test_a_made_up_role_is_refused(client, secretariat):
    response = client.post("/people/invite", data=invite_data(role="emperor"))
    [(_, href)] = error_summary(response)
    assert href == "#role"
    assert users_with_email(NEW_EMAIL) == []


def test_a_day_without_month_and_year_is_refused_and_kept(client, secretariat):
    response = client.post("/people/invite", data=invite_data(starts_on=["3", "", ""]))
    assert error_summary(response) == [
        ("Holds the role from must include a month and year", "#starts_on")
    ]
    assert page(response).select_one("#starts_on") is not None
    assert page(response).select_one("input#starts_on-day")["value"] == "3"
    assert users_with_email(NEW_EMAIL) == []


def test_an_impossible_date_is_refused(client, secretariat):
    response = client.post("/people/invite", data=invite_data(starts_on=["31", "2", "2027"]))
    assert error_summary(response) == [("Holds the role from must be a real date", "#starts_on")]
    assert users_with_email(NEW_EMAIL) == []


def test_a_request_without_date_boxes_is_handled(client, secretariat):
    data = invite_data(full_name="")
    del data["starts_on"]
    shown = ok(client.post("/people/invite", data=data))
    assert error_summary(shown) == [("Enter the person's full name", "#full_name")]


def test_an_existing_email_in_another_case_is_refused(client, secretariat, outbox):
    factories.user(email="A@x.gov.uk", full_name="Existing Person")
    response = client.post("/people/invite", data=invite_data(email="a@X.gov.uk"))
    assert error_summary(response) == [
        ("An account with this email address already exists", "#email")
    ]
    [existing] = users_with_email("a@x.gov.uk")
    assert existing.full_name == "Existing Person"
    assert audit_events("invitation_sent") == []
    assert outbox == []


def test_all_problems_are_listed_together(client, secretariat):
    response = client.post(
        "/people/invite",
        data={"full_name": "", "email": "", "starts_on": ["", "2", "2027"]},
    )
    assert [href for _, href in error_summary(response)] == [
        "#full_name",
        "#email",
        "#role",
        "#starts_on",
    ]


def test_every_error_link_points_at_something_on_the_page(client, secretariat):
    response = client.post("/people/invite", data={"starts_on": ["1", "", ""]})
    document = page(response)
    for _, href in error_summary(response):
        assert document.select_one(href) is not None, href


# The list ---------------------------------------------------------------------


def names(response) -> list[str]:
    return [row["Name"] for row in table_records(response)]


def test_people_list_shows_name_email_roles_and_account(client, secretariat):
    officer = factories.user(role=Role.OFFICER, full_name="Joanna Pike")
    factories.appointment(user=officer, role=Role.DEPUTY, ends_on=today() - timedelta(days=1))
    factories.user(role=Role.LEADER, full_name="Ravi Menon", password=None)
    factories.user(role=Role.CHAIR, full_name="Gareth Holloway", active=False)
    response = client.get("/people")
    assert heading(response) == "People"
    rows = {row["Name"]: row for row in table_records(response)}
    [held] = [a for a in officer.appointments if a.role is Role.OFFICER]
    council = held.authority.name
    assert rows["Joanna Pike"]["Roles today"] == f"Council officer ({council})"
    assert rows["Joanna Pike"]["Account"] == "Active"
    assert rows["Joanna Pike"]["Email address"] == officer.email
    assert rows["Ravi Menon"]["Account"] == "Invited"
    assert rows["Gareth Holloway"]["Account"] == "Deactivated"
    assert rows["Priya Natarajan"]["Roles today"] == "Secretariat"
    assert "4 people" in main_text(response)
    link = page(response).find("a", string="Joanna Pike")
    assert link["href"] == f"/people/{officer.id}"


def test_people_are_listed_by_name(client, secretariat):
    for name in ("zara Quinn", "Adam Best", "Maya Patel"):
        factories.user(full_name=name)
    assert names(client.get("/people")) == [
        "Adam Best",
        "Maya Patel",
        "Priya Natarajan",
        "zara Quinn",
    ]


def test_search_by_name_ignores_case(client, secretariat):
    factories.user(full_name="Joanna Pike")
    factories.user(full_name="Tom Ashworth")
    response = client.get("/people?q=PIKE")
    assert names(response) == ["Joanna Pike"]
    assert page(response).select_one("input#q")["value"] == "PIKE"
    assert page(response).find("a", string="Clear filters")["href"] == "/people"


def test_search_by_email(client, secretariat):
    factories.user(full_name="Joanna Pike", email="jp@wigan.gov.uk")
    factories.user(full_name="Tom Ashworth", email="tom@bolton.gov.uk")
    assert names(client.get("/people?q=wigan.gov")) == ["Joanna Pike"]


def test_search_with_no_match_says_so(client, secretariat):
    response = client.get("/people?q=nobody-at-all")
    assert table_records(response) == []
    assert "No people found" in main_text(response)


def test_filter_by_role_held_today(client, secretariat):
    factories.user(role=Role.MINISTER, full_name="Helen Okafor")
    former = factories.user(full_name="Former Minister")
    factories.appointment(
        user=former,
        role=Role.MINISTER,
        starts_on=today() - timedelta(days=100),
        ends_on=today() - timedelta(days=1),
    )
    factories.user(
        role=Role.MINISTER, full_name="Future Minister", starts_on=today() + timedelta(days=1)
    )
    factories.user(role=Role.OFFICER, full_name="Joanna Pike")
    response = client.get("/people?role=minister")
    assert names(response) == ["Helen Okafor"]
    assert page(response).select_one("#role option[selected]")["value"] == "minister"


def test_an_unknown_role_filter_is_ignored(client, secretariat):
    factories.user(full_name="Joanna Pike")
    assert names(client.get("/people?role=emperor")) == ["Joanna Pike", "Priya Natarajan"]


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        ("active", ["Active Person", "Priya Natarajan"]),
        ("invited", ["Invited Person"]),
        ("deactivated", ["Deactivated Person", "Deactivated Invitee"]),
    ],
)
def test_filter_by_account_status(client, secretariat, status, expected):
    factories.user(full_name="Active Person")
    factories.user(full_name="Invited Person", password=None)
    factories.user(full_name="Deactivated Person", active=False)
    factories.user(full_name="Deactivated Invitee", active=False, password=None)
    assert sorted(names(client.get(f"/people?status={status}"))) == sorted(expected)


def test_long_lists_are_paginated(app, client, secretariat):
    for n in range(30):
        factories.user(full_name=f"Member {n:02d}")
    first = client.get("/people")
    assert len(table_records(first)) == app.config["PAGE_SIZE"] == 25
    assert "Showing 1 to 25 of 31 people" in main_text(first)
    next_link = page(first).select_one(".govuk-pagination__next a")
    assert parse_qs(urlsplit(next_link["href"]).query)["page"] == ["2"]
    assert page(first).select_one(".govuk-pagination__prev") is None

    second = client.get(next_link["href"])
    assert "Showing 26 to 31 of 31 people" in main_text(second)
    assert len(table_records(second)) == 6
    assert page(second).select_one(".govuk-pagination__next") is None
    assert page(second).select_one(".govuk-pagination__prev a") is not None
    assert set(names(first)).isdisjoint(names(second))


def test_pagination_keeps_the_filters(client, secretariat):
    for n in range(27):
        factories.user(full_name=f"Member {n:02d}", password=None)
    response = client.get("/people?q=member&status=invited")
    assert "Showing 1 to 25 of 27 people" in main_text(response)
    href = page(response).select_one(".govuk-pagination__next a")["href"]
    query = parse_qs(urlsplit(href).query)
    assert query["q"] == ["member"]
    assert query["status"] == ["invited"]


def test_a_page_past_the_end_is_empty_not_an_error(client, secretariat):
    shown = ok(client.get("/people?page=99"))
    assert table_records(shown) == []


@pytest.mark.parametrize("number", ["0", "-1", "abc", ""])
def test_a_nonsense_page_number_shows_the_first_page(client, secretariat, number):
    response = client.get(f"/people?page={number}")
    expect(response, 200)
    assert names(response) == ["Priya Natarajan"]


def test_people_list_query_count_does_not_grow_with_the_rows(client, secretariat):
    def add_people(count):
        for _ in range(count):
            person = factories.user(role=Role.OFFICER)
            factories.appointment(user=person, role=Role.CHAIR, ends_on=today())

    add_people(2)
    client.get("/people")  # anything cached once per process is loaded now
    with count_selects() as few:
        client.get("/people")
    add_people(20)
    with count_selects() as many:
        response = client.get("/people")
    assert len(table_records(response)) == 23
    assert few, "the listener saw no queries"
    assert len(many) == len(few)


# The list as a download ---------------------------------------------------------


def test_people_as_csv_one_row_per_person_with_todays_roles(client, secretariat):
    council = factories.council(name="Wigan Council")
    officer = factories.user(full_name="Joanna Pike", email="jp@wigan.gov.uk")
    factories.appointment(
        user=officer, role=Role.OFFICER, authority=council, starts_on=date(2025, 4, 1)
    )
    office = factories.ministerial_office(title="Minister for Local Government")
    factories.appointment(
        user=officer, role=Role.MINISTER, office=office, starts_on=date(2025, 1, 6)
    )
    factories.appointment(user=officer, role=Role.DEPUTY, ends_on=today() - timedelta(days=1))
    factories.appointment(user=officer, role=Role.CHAIR, starts_on=today() + timedelta(days=1))
    officer.is_demo = True
    factories.user(role=Role.LEADER, full_name="Ravi Menon", password=None)
    factories.user(full_name="Gareth Holloway", active=False)
    db.session.flush()

    response = client.get("/people.csv")
    expect(response, 200)
    assert response.mimetype == "text/csv"
    disposition = response.headers["Content-Disposition"]
    assert f'filename="people-{today().isoformat()}.csv"' in disposition
    header, *rows = read_csv(response)
    assert header == ["Name", "Email address", "Account", "Demo person", "Roles today"]
    by_name = {row[0]: row for row in rows}
    assert [row[0] for row in rows] == [
        "Gareth Holloway",
        "Joanna Pike",
        "Priya Natarajan",
        "Ravi Menon",
    ]
    assert by_name["Joanna Pike"] == [
        "Joanna Pike",
        "jp@wigan.gov.uk",
        "Active",
        "Yes",
        f"Council officer (Wigan Council) from 2025-04-01; "
        f"Minister ({office.full_title}) from 2025-01-06",
    ]
    assert by_name["Ravi Menon"][2:4] == ["Invited", "No"]
    assert by_name["Ravi Menon"][4].startswith("Council leader (")
    assert by_name["Gareth Holloway"][2:] == ["Deactivated", "No", ""]
    assert by_name["Priya Natarajan"][4].startswith("Secretariat from ")


def test_the_people_csv_follows_the_filters_shown(client, secretariat):
    factories.user(role=Role.MINISTER, full_name="Helen Okafor", password=None)
    factories.user(role=Role.MINISTER, full_name="Helen Active")
    factories.user(role=Role.OFFICER, full_name="Helen Officer", password=None)
    factories.user(role=Role.MINISTER, full_name="Tom Ashworth", password=None)
    response = client.get("/people?q=helen&role=minister&status=invited")
    link = page(response).find("a", string="Download this list of people (CSV)")
    assert link.has_attr("download")
    assert urlsplit(link["href"]).path == "/people.csv"
    assert parse_qs(urlsplit(link["href"]).query) == {
        "q": ["helen"],
        "role": ["minister"],
        "status": ["invited"],
    }
    _header, *rows = read_csv(client.get(link["href"]))
    assert [row[0] for row in rows] == ["Helen Okafor"]
    unfiltered = page(client.get("/people")).find("a", string="Download this list of people (CSV)")
    assert unfiltered["href"] == "/people.csv"


def test_the_people_csv_has_every_page(app, client, secretariat):
    for n in range(app.config["PAGE_SIZE"] + 5):
        factories.user(full_name=f"Member {n:02d}")
    _header, *rows = read_csv(client.get("/people.csv"))
    assert len(rows) == app.config["PAGE_SIZE"] + 6


def test_the_people_csv_neutralises_formulas_people_typed(client, secretariat):
    factories.user(full_name='=HYPERLINK("http://example.com")')
    _header, *rows = read_csv(client.get("/people.csv"))
    assert rows[0][0] == '\'=HYPERLINK("http://example.com")'


def test_people_csv_query_count_does_not_grow_with_the_rows(client, secretariat):
    def add_people(count):
        for _ in range(count):
            person = factories.user(role=Role.OFFICER)
            factories.appointment(user=person, role=Role.MINISTER)

    add_people(2)
    client.get("/people.csv")
    with count_selects() as few:
        assert len(read_csv(client.get("/people.csv"))) == 4
    add_people(20)
    with count_selects() as many:
        assert len(read_csv(client.get("/people.csv"))) == 24
    assert few, "the listener saw no queries"
    assert len(many) == len(few)


# One person -------------------------------------------------------------------


def test_person_page_shows_their_details_and_roles(client, secretariat):
    person = factories.user(role=Role.OFFICER, full_name="Joanna Pike")
    factories.appointment(
        user=person, role=Role.DEPUTY, starts_on=date(2026, 1, 5), ends_on=date(2026, 5, 7)
    )
    response = client.get(f"/people/{person.id}")
    assert heading(response) == "Joanna Pike"
    assert summary_list(response)["Account"] == "Active"
    roles = {row["Role"]: row for row in table_records(response)}
    assert roles["Council officer"]["Status"] == "Current"
    assert roles["Deputy"]["From"] == "5 January 2026"
    assert roles["Deputy"]["To"] == "7 May 2026"
    assert roles["Deputy"]["Status"] == "Ended"
    end_links = [a for a in page(response).select("td a") if a.get_text().startswith("End")]
    assert len(end_links) == 1  # only the current role can be ended


def test_unknown_person_is_not_found(client, secretariat):
    response = client.get("/people/999999")
    expect(response, 404)
    assert heading(response) == "Page not found"


# Giving a role ----------------------------------------------------------------


def test_give_role_page(client, secretariat):
    person = factories.user(full_name="Joanna Pike")
    response = client.get(f"/people/{person.id}/roles/new")
    assert heading(response) == "Give a role"
    assert "Joanna Pike" in page(response).select_one(".govuk-caption-l").get_text()


def test_giving_a_role(client, secretariat):
    person = factories.user(full_name="Joanna Pike")
    response = client.post(
        f"/people/{person.id}/roles/new",
        data={"role": "chair", "starts_on": ["1", "5", "2027"]},
    )
    assert response.headers["Location"] == f"/people/{person.id}"
    [appointment] = db.session.get(User, person.id).appointments
    assert (appointment.role, appointment.starts_on) == (Role.CHAIR, date(2027, 5, 1))
    assert appointment.created_by_id == secretariat.id
    [granted] = audit_events("role_granted")
    assert (granted.subject_type, granted.subject_id) == ("appointments", appointment.id)
    assert granted.details["role"] == "chair"
    person_page = client.get(f"/people/{person.id}")
    assert banner(person_page) == "Success Joanna Pike now has the role Chair"
    [row] = table_records(person_page)
    assert (row["Role"], row["From"]) == ("Chair", "1 May 2027")


def test_giving_a_role_they_already_hold_is_refused(client, secretariat):
    person = factories.user(full_name="Joanna Pike")
    factories.appointment(user=person, role=Role.CHAIR, starts_on=date(2026, 3, 2))
    response = client.post(
        f"/people/{person.id}/roles/new", data={"role": "chair", "starts_on": ["", "", ""]}
    )
    assert error_summary(response) == [
        (
            "Joanna Pike already holds the role Chair from 2 March 2026. "
            "End that appointment first",
            "#role",
        )
    ]
    assert len(db.session.get(User, person.id).appointments) == 1
    assert audit_events("role_granted") == []


def test_the_same_role_can_be_given_again_after_it_ended(client, secretariat):
    person = factories.user(full_name="Joanna Pike")
    factories.appointment(
        user=person,
        role=Role.CHAIR,
        starts_on=today() - timedelta(days=60),
        ends_on=today() - timedelta(days=1),
    )
    response = client.post(
        f"/people/{person.id}/roles/new", data={"role": "chair", "starts_on": ["", "", ""]}
    )
    expect(response, 302)
    assert len(db.session.get(User, person.id).appointments) == 2


def test_giving_a_role_needs_a_role(client, secretariat):
    person = factories.user()
    response = client.post(f"/people/{person.id}/roles/new", data={"starts_on": ["", "", ""]})
    assert error_summary(response) == [("Select a role", "#role")]


def test_giving_a_role_to_an_unknown_person_is_not_found(client, secretariat):
    expect(client.get("/people/999999/roles/new"), 404)


# Ending a role ----------------------------------------------------------------


@pytest.fixture
def officer_role(app_ctx):
    person = factories.user(full_name="Joanna Pike")
    return factories.appointment(user=person, role=Role.OFFICER, starts_on=date(2026, 2, 2))


def end_url(appointment) -> str:
    return f"/people/{appointment.user_id}/roles/{appointment.id}/end"


def test_end_role_page(client, secretariat, officer_role):
    response = client.get(end_url(officer_role))
    assert heading(response) == "End the role Council officer"
    assert "Held since 2 February 2026" in main_text(response)


def test_ending_a_role_keeps_the_record_with_its_end_date_and_reason(
    client, secretariat, officer_role
):
    ends_on = today() - timedelta(days=1)
    response = client.post(
        end_url(officer_role),
        data={
            "ends_on": [str(ends_on.day), str(ends_on.month), str(ends_on.year)],
            "reason": "  Stood down after the May elections ",
        },
    )
    assert response.headers["Location"] == f"/people/{officer_role.user_id}"
    appointment = db.session.get(Appointment, officer_role.id)
    assert appointment.ends_on == ends_on
    assert appointment.end_reason == "Stood down after the May elections"
    [ended] = audit_events("role_ended")
    assert ended.actor_id == secretariat.id
    assert ended.details["reason"] == "Stood down after the May elections"
    assert ended.details["ends_on"] == ends_on.isoformat()

    person_page = client.get(f"/people/{officer_role.user_id}")
    assert banner(person_page) == "Success Joanna Pike's role Council officer has been ended"
    [row] = table_records(person_page)
    assert "Stood down after the May elections" in row["To"]
    assert row["Status"] == "Ended"
    assert not any("End" in link.get_text() for link in page(person_page).select("td a"))


def test_a_blank_end_date_ends_the_role_today(client, secretariat, officer_role):
    client.post(end_url(officer_role), data={"ends_on": ["", "", ""], "reason": ""})
    appointment = db.session.get(Appointment, officer_role.id)
    assert appointment.ends_on == today()
    assert appointment.end_reason is None
    assert appointment.is_current(today())  # the last day in the role is today


def test_an_end_date_before_the_start_is_refused(client, secretariat, officer_role):
    response = client.post(
        end_url(officer_role), data={"ends_on": ["1", "2", "2026"], "reason": ""}
    )
    assert error_summary(response) == [
        ("The end date must be on or after the start date, 02/02/2026", "#ends_on")
    ]
    assert db.session.get(Appointment, officer_role.id).ends_on is None
    assert audit_events("role_ended") == []


def test_an_over_long_reason_is_refused(client, secretariat, officer_role):
    response = client.post(end_url(officer_role), data={"ends_on": "", "reason": "x" * 501})
    assert error_summary(response) == [("Reason must be 500 characters or fewer", "#reason")]


def test_a_role_that_has_ended_cannot_be_ended_again(client, secretariat, officer_role):
    officer_role.ends_on = today() - timedelta(days=3)
    response = client.post(end_url(officer_role), data={"ends_on": ["", "", ""]})
    assert error_summary(response) == [("This appointment has already ended", "")]
    assert db.session.get(Appointment, officer_role.id).ends_on == today() - timedelta(days=3)


def test_another_persons_role_is_not_found(client, secretariat, officer_role):
    other = factories.user()
    expect(client.get(f"/people/{other.id}/roles/{officer_role.id}/end"), 404)


def test_the_last_secretariat_role_cannot_be_ended(client, secretariat):
    [own] = secretariat.appointments
    response = client.post(end_url(own), data={"ends_on": ["", "", ""]})
    assert error_summary(response) == [
        (
            "This is the last secretariat account. Give someone else the secretariat role first",
            "#ends_on",
        )
    ]
    assert db.session.get(Appointment, own.id).ends_on is None


def test_a_secretariat_role_can_be_ended_when_someone_else_holds_one(client, secretariat):
    factories.user(role=Role.SECRETARIAT)
    [own] = secretariat.appointments
    response = client.post(end_url(own), data={"ends_on": ["", "", ""]})
    expect(response, 302)
    assert db.session.get(Appointment, own.id).ends_on == today()


def test_an_invited_secretariats_role_can_be_ended(client, secretariat):
    """Someone who has not set a password does not count as a secretariat who
    can run the Commission, so ending their role never removes the last one."""
    invited = factories.user(role=Role.SECRETARIAT, password=None)
    [role] = invited.appointments
    response = client.post(end_url(role), data={"ends_on": ["", "", ""]})
    expect(response, 302)
    assert db.session.get(Appointment, role.id).ends_on == today()


# Deactivating and reactivating ------------------------------------------------


def test_deactivate_asks_for_confirmation(client, secretariat):
    person = factories.user(role=Role.OFFICER, full_name="Joanna Pike")
    response = client.get(f"/people/{person.id}/deactivate")
    assert heading(response) == "Deactivate Joanna Pike's account"
    assert "will be signed out" in main_text(response)
    button = page(response).select_one("main form button, main form input[type=submit]")
    assert "govuk-button--warning" in button["class"]
    assert db.session.get(User, person.id).active is True


def test_deactivating_an_account(app, client, secretariat):
    person = factories.user(role=Role.OFFICER, full_name="Joanna Pike")
    old_token = person.session_token
    response = client.post(f"/people/{person.id}/deactivate")
    assert response.headers["Location"] == f"/people/{person.id}"
    user = db.session.get(User, person.id)
    assert user.active is False
    assert user.session_token != old_token
    [deactivated] = audit_events("account_deactivated")
    assert deactivated.actor_id == secretariat.id
    assert deactivated.subject_id == person.id
    person_page = client.get(f"/people/{person.id}")
    assert banner(person_page) == "Success Joanna Pike's account has been deactivated"
    assert summary_list(person_page)["Account"] == "Deactivated"
    assert page(person_page).find("a", string="Reactivate account") is not None
    assert page(person_page).find("a", string="Deactivate account") is None


def test_a_deactivated_person_is_signed_out_of_their_own_session(app, client, secretariat):
    person = factories.user(role=Role.OFFICER)
    theirs = app.test_client()
    with theirs.session_transaction() as session:
        session["_user_id"] = person.get_id()
    expect(theirs.get("/account"), 200)
    client.post(f"/people/{person.id}/deactivate")
    assert theirs.get("/account").headers["Location"] == "/sign-in?next=/account"


def test_reactivating_an_account(client, secretariat):
    person = factories.user(role=Role.OFFICER, full_name="Joanna Pike", active=False)
    confirm = client.get(f"/people/{person.id}/reactivate")
    assert heading(confirm) == "Reactivate Joanna Pike's account"
    response = client.post(f"/people/{person.id}/reactivate")
    expect(response, 302)
    assert db.session.get(User, person.id).active is True
    assert len(audit_events("account_reactivated")) == 1
    assert banner(client.get(f"/people/{person.id}")) == (
        "Success Joanna Pike's account has been reactivated"
    )


def test_deactivating_an_already_deactivated_account_changes_nothing(client, secretariat):
    person = factories.user(active=False)
    client.post(f"/people/{person.id}/deactivate")
    assert audit_events("account_deactivated") == []


def test_you_cannot_deactivate_yourself(client, secretariat):
    factories.user(role=Role.SECRETARIAT)
    own_page = client.get(f"/people/{secretariat.id}")
    assert page(own_page).find("a", string="Deactivate account") is None
    shown = ok(client.post(f"/people/{secretariat.id}/deactivate"))
    assert error_summary(shown) == [("You cannot deactivate your own account", "")]
    assert db.session.get(User, secretariat.id).active is True
    assert audit_events("account_deactivated") == []


def test_the_last_secretariat_cannot_be_deactivated(app_ctx):
    only = factories.user(role=Role.SECRETARIAT)
    other = factories.user(role=Role.OFFICER)
    with pytest.raises(services.DomainError, match="last secretariat account"):
        services.set_active(user=only, active=False, actor=other)
    assert only.active is True


def test_another_secretariat_can_be_deactivated(client, secretariat):
    colleague = factories.user(role=Role.SECRETARIAT)
    response = client.post(f"/people/{colleague.id}/deactivate")
    expect(response, 302)
    assert db.session.get(User, colleague.id).active is False


def test_an_invited_secretariat_can_be_deactivated(client, secretariat):
    invited = factories.user(role=Role.SECRETARIAT, password=None)
    response = client.post(f"/people/{invited.id}/deactivate")
    expect(response, 302)
    assert db.session.get(User, invited.id).active is False


# Resending an invitation ------------------------------------------------------


def test_resend_invitation_asks_for_confirmation(client, secretariat):
    person = factories.user(full_name="Ravi Menon", email="ravi@example.gov.uk", password=None)
    response = client.get(f"/people/{person.id}/resend-invitation")
    assert heading(response) == "Send Ravi Menon a new invitation"
    assert "We will email ravi@example.gov.uk a new link" in main_text(response)


def test_resending_an_invitation_replaces_the_old_link(client, secretariat, outbox):
    person = factories.user(full_name="Ravi Menon", password=None)
    first = services.resend_invitation(user=person, actor=secretariat)
    response = client.post(f"/people/{person.id}/resend-invitation")
    assert response.headers["Location"] == f"/people/{person.id}"
    old, new = db.session.execute(
        select(AccountToken).where(AccountToken.user_id == person.id).order_by(AccountToken.id)
    ).scalars()
    assert old.used_at is not None
    assert new.used_at is None
    [message] = outbox
    assert message["To"] == person.email
    assert len(audit_events("invitation_sent")) == 2
    assert banner(client.get(f"/people/{person.id}")) == (
        f"Success A new invitation has been sent to {person.email}"
    )
    assert heading(client.get(f"/set-password/{first.signed_token}")) == (
        "This link has already been used"
    )


def test_someone_with_a_password_cannot_be_sent_an_invitation(client, secretariat, outbox):
    person = factories.user(full_name="Joanna Pike")
    person_page = client.get(f"/people/{person.id}")
    assert page(person_page).find("a", string="Send a new invitation") is None
    response = client.post(f"/people/{person.id}/resend-invitation")
    assert error_summary(response) == [("Joanna Pike has already accepted their invitation", "")]
    assert outbox == []
    assert audit_events("invitation_sent") == []


def test_a_deactivated_invitee_cannot_be_sent_an_invitation(client, secretariat, outbox):
    person = factories.user(full_name="Ravi Menon", password=None, active=False)
    response = client.post(f"/people/{person.id}/resend-invitation")
    assert error_summary(response) == [
        ("Ravi Menon's account is deactivated. Reactivate it first", "")
    ]
    assert outbox == []


# Who may use these pages ------------------------------------------------------

PAGES = [
    ("get", "/people"),
    ("get", "/people.csv"),
    ("get", "/people/invite"),
    ("post", "/people/invite"),
    ("get", "/people/{person}"),
    ("get", "/people/{person}/roles/new"),
    ("post", "/people/{person}/roles/new"),
    ("get", "/people/{person}/roles/{appointment}/end"),
    ("post", "/people/{person}/roles/{appointment}/end"),
    ("get", "/people/{person}/deactivate"),
    ("post", "/people/{person}/deactivate"),
    ("get", "/people/{person}/reactivate"),
    ("post", "/people/{person}/reactivate"),
    ("get", "/people/{person}/resend-invitation"),
    ("post", "/people/{person}/resend-invitation"),
]


@pytest.fixture
def target(app_ctx):
    person = factories.user(password=None)
    appointment = factories.appointment(user=person, role=Role.CHAIR)
    return {"person": person.id, "appointment": appointment.id}


@pytest.mark.parametrize("role", [Role.OFFICER, Role.LEADER, Role.MINISTER, Role.CHAIR, None])
@pytest.mark.parametrize(("method", "url"), PAGES)
def test_people_pages_are_forbidden_to_everyone_but_the_secretariat(
    client, login_as, target, role, method, url
):
    login_as(role)
    response = getattr(client, method)(url.format(**target), data=invite_data())
    expect(response, 403)
    assert heading(response) == "You do not have permission to see this page"


@pytest.mark.parametrize(("method", "url"), PAGES)
def test_people_pages_send_anonymous_visitors_to_sign_in(client, target, method, url):
    path = url.format(**target)
    response = getattr(client, method)(path, data=invite_data())
    expect(response, 302, location=f"/sign-in?next={path}")


def test_a_refused_post_changes_nothing(client, login_as, target, outbox):
    login_as(Role.OFFICER)
    client.post("/people/invite", data=invite_data())
    client.post(f"/people/{target['person']}/deactivate")
    client.post(f"/people/{target['person']}/resend-invitation")
    assert users_with_email(NEW_EMAIL) == []
    assert db.session.get(User, target["person"]).active is True
    assert outbox == []


def test_a_former_secretariat_is_refused(client, login_as):
    login_as(Role.SECRETARIAT, starts_on=today() - timedelta(days=10))
    me = login_as(None)
    factories.appointment(
        user=me,
        role=Role.SECRETARIAT,
        starts_on=today() - timedelta(days=100),
        ends_on=today() - timedelta(days=1),
    )
    expect(client.get("/people"), 403)


def test_search_treats_wildcards_literally(client, login_as):
    login_as(Role.SECRETARIAT, full_name="Wildcard Searcher")
    factories.user(full_name="Plain Name", email="plain@example.gov.uk")
    response = client.get("/people?q=_")
    names = [row[0] for row in table_rows(response)]
    assert "Plain Name" not in names

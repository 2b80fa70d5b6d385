"""Comments per question, filtered by position, party (control at the time of
the response), type, region, theme and question, searched and paged; the
secretariat tags comments with themes, and the summary counts themes per
position."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta

import pytest
from sqlalchemy import select

from commission.auth.roles import Role
from commission.consultations.models import Answer, Consultation, Position
from commission.consultations.services import response_for
from commission.extensions import db
from commission.membership.models import AuthorityKind, Control, Region
from commission.summaries.models import AnswerTag, Tag
from commission.timeutil import now_utc
from tests import factories
from tests.conftest import audit_events, count_selects, count_statements
from tests.pages import (
    banner,
    csrf_token_from,
    error_summary,
    expect,
    main_text,
    ok,
    page,
    sign_in,
    table_rows,
)

# Helpers -----------------------------------------------------------------------------------------


@dataclass
class Comments:
    consultation: Consultation
    answers: dict[tuple[str, int], Answer]

    @property
    def url(self) -> str:
        return f"/consultations/{self.consultation.reference}/summary/comments"

    def tag_url(self, answer: Answer) -> str:
        return f"{self.url}/{answer.id}/themes"

    def question_id(self, number: int) -> int:
        return self.consultation.questions[number - 1].id


COMMENTS = {
    # council: (control, type, region, Q1 position, Q1 comment, Q2 comment)
    "Ashford": (
        Control.LABOUR,
        AuthorityKind.UNITARY,
        Region.NORTH_WEST,
        Position.SUPPORT,
        "We welcome the extra funding.",
        "Ashford's view on timing.",
    ),
    "Barton": (
        Control.CONSERVATIVE,
        AuthorityKind.DISTRICT,
        Region.SOUTH_EAST,
        Position.OPPOSE,
        "The timetable is too short.",
        "Barton has nothing to add.",
    ),
    "Carlow": (
        Control.GREEN,
        AuthorityKind.COUNTY,
        Region.SOUTH_EAST,
        Position.NEUTRAL,
        None,
        "Carlow's view on funding.",
    ),
    "Dunmore": (
        Control.LABOUR,
        AuthorityKind.DISTRICT,
        Region.LONDON,
        Position.SUPPORT_WITH_AMENDMENTS,
        "Funding must follow new duties.",
        "Dunmore agrees in part.",
    ),
}


@pytest.fixture
def comments(app_ctx) -> Comments:
    """Four councils' comments: three on question 1 (Carlow gave none) and
    four on question 2 (free text), seven in all."""
    consultation = factories.consultation(opens_at=now_utc() - timedelta(days=5))
    q1, q2 = consultation.questions
    answers = {}
    for name, (control, kind, region, position, first, second) in COMMENTS.items():
        authority = factories.council(name=name, control=control, kind=kind, region=region)
        factories.submitted_response(
            consultation=consultation, authority=authority, position=position
        )
        response = response_for(consultation, authority)
        response.answer_for(q1.id).submitted_comment = first
        response.answer_for(q2.id).submitted_comment = second
        answers[(name, 1)] = response.answer_for(q1.id)
        answers[(name, 2)] = response.answer_for(q2.id)
    db.session.flush()
    return Comments(consultation, answers)


@pytest.fixture
def secretariat(client):
    user = factories.user(role=Role.SECRETARIAT)
    sign_in(client, user)
    return user


def cards(response) -> list[str]:
    """Each comment card's title: council · question n [· position]."""
    expect(response, 200)
    return [
        title.get_text(" ", strip=True)
        for title in page(response).select(".govuk-summary-card__title")
    ]


def status(response) -> str:
    return page(response).select_one('main [role="status"]').get_text(" ", strip=True)


def tag(answer: Answer, *names: str) -> None:
    for name in names:
        found = db.session.execute(select(Tag).where(Tag.name == name)).scalar_one_or_none()
        if found is None:
            found = Tag(name=name)
            db.session.add(found)
            db.session.flush()
        db.session.add(AnswerTag(answer_id=answer.id, tag_id=found.id))
    db.session.flush()


def themes_of(answer: Answer) -> list[str]:
    db.session.expire_all()
    return list(
        db.session.execute(
            select(Tag.name)
            .join(AnswerTag)
            .where(AnswerTag.answer_id == answer.id)
            .order_by(Tag.name)
        ).scalars()
    )


# Listing and filtering ---------------------------------------------------------------------------


def test_all_submitted_comments_are_listed_by_question_then_council(client, comments, secretariat):
    response = client.get(comments.url)

    assert cards(response) == [
        "Ashford · question 1 · Support",
        "Barton · question 1 · Oppose",
        "Dunmore · question 1 · Support with amendments",
        "Ashford · question 2",
        "Barton · question 2",
        "Carlow · question 2",
        "Dunmore · question 2",
    ]
    assert status(response) == "7 comments"
    assert "We welcome the extra funding." in page(response).get_text()


def test_draft_comments_are_not_listed(client, comments, secretariat):
    draft = factories.council(name="Eastleigh")
    factories.draft_response(
        consultation=comments.consultation,
        authority=draft,
        answers={comments.question_id(1): (Position.OPPOSE, "Still drafting this.")},
    )

    response = client.get(comments.url)

    assert len(cards(response)) == 7
    assert "Still drafting this." not in page(response).get_text()


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ({"position": "support"}, ["Ashford · question 1 · Support"]),
        ({"position": "oppose"}, ["Barton · question 1 · Oppose"]),
        (
            {"control": "labour"},
            [
                "Ashford · question 1 · Support",
                "Dunmore · question 1 · Support with amendments",
                "Ashford · question 2",
                "Dunmore · question 2",
            ],
        ),
        (
            {"type": "district"},
            [
                "Barton · question 1 · Oppose",
                "Dunmore · question 1 · Support with amendments",
                "Barton · question 2",
                "Dunmore · question 2",
            ],
        ),
        (
            {"region": "South East"},
            ["Barton · question 1 · Oppose", "Barton · question 2", "Carlow · question 2"],
        ),
        (
            {"q": "FUNDING"},
            [
                "Ashford · question 1 · Support",
                "Dunmore · question 1 · Support with amendments",
                "Carlow · question 2",
            ],
        ),
        ({"q": "barton"}, ["Barton · question 1 · Oppose", "Barton · question 2"]),
        (
            {"control": "labour", "position": "support_with_amendments"},
            ["Dunmore · question 1 · Support with amendments"],
        ),
    ],
)
def test_each_filter_narrows_the_list(client, comments, secretariat, args, expected):
    assert cards(client.get(comments.url, query_string=args)) == expected


def test_filter_by_question(client, comments, secretariat):
    response = client.get(comments.url, query_string={"question": comments.question_id(2)})

    assert cards(response) == [
        "Ashford · question 2",
        "Barton · question 2",
        "Carlow · question 2",
        "Dunmore · question 2",
    ]
    selected = page(response).select_one("#question option[selected]")
    assert selected["value"] == str(comments.question_id(2))


def test_filter_by_theme(client, comments, secretariat):
    tag(comments.answers[("Barton", 1)], "timing")
    tag(comments.answers[("Ashford", 2)], "timing", "funding")
    timing = db.session.execute(select(Tag).where(Tag.name == "timing")).scalar_one()

    response = client.get(comments.url, query_string={"theme": timing.id})

    assert cards(response) == ["Barton · question 1 · Oppose", "Ashford · question 2"]
    options = [o.get_text(strip=True) for o in page(response).select("#theme option")]
    assert options == ["Any", "funding", "timing"]


def test_filters_are_kept_in_the_form_and_no_match_says_so(client, comments, secretariat):
    response = client.get(
        comments.url, query_string={"q": "nothing like this", "position": "neutral"}
    )

    soup = page(response)
    assert cards(response) == []
    assert "No comments match these filters." in soup.get_text()
    assert status(response) == "No comments found"
    assert soup.select_one("#q")["value"] == "nothing like this"
    assert soup.select_one("#position option[selected]")["value"] == "neutral"


def test_unknown_filter_values_are_ignored_or_match_nothing(client, comments, secretariat):
    assert len(cards(client.get(comments.url, query_string={"position": "bogus"}))) == 7
    assert len(cards(client.get(comments.url, query_string={"control": "bogus"}))) == 7
    assert len(cards(client.get(comments.url, query_string={"theme": "x"}))) == 7
    assert cards(client.get(comments.url, query_string={"region": "Atlantis"})) == []


def test_search_treats_percent_and_underscore_literally(client, comments, secretariat):
    comments.answers[("Carlow", 2)].submitted_comment = "Only 50% of costs are covered."
    db.session.flush()

    assert cards(client.get(comments.url, query_string={"q": "%"})) == ["Carlow · question 2"]
    assert cards(client.get(comments.url, query_string={"q": "50%"})) == ["Carlow · question 2"]
    assert cards(client.get(comments.url, query_string={"q": "_"})) == []


def test_comments_are_paged_keeping_the_filters(client, comments, secretariat, app, monkeypatch):
    monkeypatch.setitem(app.config, "PAGE_SIZE", 2)

    first = client.get(comments.url, query_string={"question": comments.question_id(2)})
    second = client.get(comments.url, query_string={"question": comments.question_id(2), "page": 2})

    assert cards(first) == ["Ashford · question 2", "Barton · question 2"]
    assert status(first) == "Showing 1 to 2 of 4 comments"
    assert cards(second) == ["Carlow · question 2", "Dunmore · question 2"]
    next_link = page(first).select_one(".govuk-pagination__next a")["href"]
    assert f"question={comments.question_id(2)}" in next_link
    assert "page=2" in next_link


def test_comments_have_the_summary_audience(client, comments):
    sign_in(client, factories.user(role=Role.LEADER))

    expect(client.get(comments.url), 404)


def test_only_the_secretariat_sees_the_tagging_forms(client, comments):
    sign_in(client, factories.user(role=Role.CHAIR))

    response = client.get(comments.url)

    assert len(cards(response)) == 7
    assert page(response).select("main form[method=post]") == []


# Tagging -----------------------------------------------------------------------------------------


def test_tagging_adds_new_themes_and_untagging_removes_them(client, comments, secretariat):
    answer = comments.answers[("Barton", 1)]

    response = client.post(
        comments.tag_url(answer),
        data={"new_tag": "Timing,  Rural   areas, ", "next": comments.url + "?position=oppose"},
    )

    expect(response, 302, location=comments.url + "?position=oppose")
    assert themes_of(answer) == ["rural areas", "timing"]
    assert banner(client.get(comments.url)) == "Success Themes saved"

    client.post(comments.tag_url(answer), data={"tags": ["timing"], "new_tag": "funding"})
    assert themes_of(answer) == ["funding", "timing"]
    # The theme stays available for other comments.
    assert db.session.execute(select(Tag).where(Tag.name == "rural areas")).scalar_one()

    client.post(comments.tag_url(answer), data={})
    assert themes_of(answer) == []


def test_the_comment_list_shows_each_comments_themes_and_checks_them(client, comments, secretariat):
    answer = comments.answers[("Ashford", 1)]
    tag(answer, "funding")
    tag(comments.answers[("Barton", 1)], "timing")

    soup = page(client.get(comments.url))

    card = soup.select(".govuk-summary-card")[0]
    assert "Themes: funding" in card.get_text(" ", strip=True)
    checked = [box["value"] for box in card.select("input[name=tags][checked]")]
    assert checked == ["funding"]
    unchecked = [box["value"] for box in card.select("input[name=tags]:not([checked])")]
    assert unchecked == ["timing"]


def test_a_theme_longer_than_60_characters_is_refused(client, comments, secretariat):
    answer = comments.answers[("Barton", 1)]
    tag(answer, "timing")

    response = client.post(comments.tag_url(answer), data={"new_tag": "x" * 61})

    expect(response, 302)
    assert themes_of(answer) == ["timing"]
    assert banner(client.get(comments.url)).endswith("A theme must be 60 characters or fewer")
    assert db.session.execute(select(Tag).where(Tag.name == "x" * 61)).first() is None


def test_tagging_a_comment_of_another_consultation_is_not_found(client, comments, secretariat):
    other = factories.consultation()
    factories.submitted_response(consultation=other, authority=factories.council())
    answer = factories.first_answer(consultation=other)

    response = client.post(comments.tag_url(answer), data={"new_tag": "funding"})

    expect(response, 404)
    assert themes_of(answer) == []


def test_tagging_never_redirects_to_another_site(client, comments, secretariat):
    answer = comments.answers[("Barton", 1)]

    response = client.post(
        comments.tag_url(answer), data={"new_tag": "funding", "next": "https://evil.example/"}
    )

    expect(response, 302, location=comments.url)
    assert themes_of(answer) == ["funding"]


@pytest.mark.parametrize(
    "role", [Role.CHAIR, Role.MINISTER, Role.LEADER, Role.MAYOR, Role.DEPUTY, Role.OFFICER]
)
def test_only_the_secretariat_may_tag(client, comments, role):
    answer = comments.answers[("Barton", 1)]
    sign_in(client, factories.user(role=role))

    response = client.post(comments.tag_url(answer), data={"new_tag": "funding"})

    expect(response, 403)
    assert themes_of(answer) == []


def test_the_lead_departments_minister_may_not_tag(client, comments):
    answer = comments.answers[("Barton", 1)]
    sign_in(client, factories.minister(department=comments.consultation.department))

    expect(client.post(comments.tag_url(answer), data={"new_tag": "x"}), 403)
    assert themes_of(answer) == []


def test_tagging_signed_out_is_sent_to_sign_in(client, comments):
    answer = comments.answers[("Barton", 1)]

    response = client.post(comments.tag_url(answer), data={"new_tag": "funding"})

    expect(response, 302)
    assert "/sign-in" in response.headers["Location"]
    assert themes_of(answer) == []


def test_tagging_needs_the_csrf_token(client, comments, secretariat, csrf_enabled):
    answer = comments.answers[("Barton", 1)]

    refused = client.post(comments.tag_url(answer), data={"new_tag": "funding"})
    expect(refused, 400)
    assert themes_of(answer) == []

    token = csrf_token_from(client.get(comments.url))
    accepted = client.post(
        comments.tag_url(answer), data={"new_tag": "funding", "csrf_token": token}
    )
    expect(accepted, 302)
    assert themes_of(answer) == ["funding"]


# Themes on the summary ---------------------------------------------------------------------------


def test_the_summary_counts_themes_per_position(client, comments, secretariat):
    tag(comments.answers[("Ashford", 1)], "funding")  # support
    tag(comments.answers[("Dunmore", 1)], "funding")  # support with amendments
    tag(comments.answers[("Barton", 1)], "funding", "timing")  # oppose
    tag(comments.answers[("Ashford", 2)], "timing")  # free text: no position

    soup = page(client.get(f"/consultations/{comments.consultation.reference}/summary"))

    table = next(
        t
        for t in soup.select("table")
        if t.caption and "Comments tagged with each theme" in t.caption.get_text()
    )
    headers = [th.get_text(strip=True) for th in table.select("thead th")]
    assert headers == [
        "Theme",
        "Support",
        "Support with amendments",
        "Neutral",
        "Oppose",
        "No position",
        "Free-text answers",
        "All",
    ]
    rows = [
        [c.get_text(strip=True) for c in r.find_all(["th", "td"])] for r in table.select("tbody tr")
    ]
    assert rows == [
        ["funding", "1", "1", "0", "1", "0", "0", "3"],
        ["timing", "0", "0", "0", "1", "0", "1", "2"],
    ]
    for row in rows:  # every tagged comment is in one column
        assert sum(int(n) for n in row[1:-1]) == int(row[-1])


def test_the_summary_says_when_nothing_is_tagged(client, comments, secretariat):
    soup = page(client.get(f"/consultations/{comments.consultation.reference}/summary"))

    assert "No comments have been tagged with themes yet." in soup.get_text()


# Query count -------------------------------------------------------------------------------------


def test_the_comments_page_does_not_grow_with_comments_nor_compute_the_summary(
    client, comments, secretariat
):
    busy = factories.consultation()
    for _ in range(30):
        factories.submitted_response(consultation=busy, authority=factories.council())
    tag(factories.first_answer(consultation=busy), "funding")
    few_url = comments.url
    many_url = f"/consultations/{busy.reference}/summary/comments"
    client.get(few_url)

    with count_statements() as for_few:
        assert len(cards(client.get(few_url))) == 7
    with count_statements() as for_many:
        assert len(cards(client.get(many_url))) == 25

    assert len(for_few) == len(for_many)
    assert not [s for s in for_many if "per_member" in s or "GROUP BY" in s]


def test_the_comments_page_costs_the_same_whatever_the_history_themes_or_filters(
    client, secretariat, app, monkeypatch
):
    """Other consultations answered by the same councils, and themes on
    every comment, add no statements: filtered or not, on any page, the page
    runs as many statements for a busy consultation as for a small one, and
    reads the answers through the consultation's responses."""
    monkeypatch.setitem(app.config, "PAGE_SIZE", 2)
    councils = [factories.council() for _ in range(30)]
    for _ in range(3):
        older = factories.consultation()
        for council in councils:
            factories.submitted_response(consultation=older, authority=council)
    few, busy = factories.consultation(), factories.consultation()
    for council in councils[:3]:
        factories.submitted_response(consultation=few, authority=council)
    for council in councils:
        factories.submitted_response(consultation=busy, authority=council)
    for answer in db.session.execute(
        select(Answer).where(Answer.submitted_comment.is_not(None))
    ).scalars():
        tag(answer, "funding", "timing")
    few_url = f"/consultations/{few.reference}/summary/comments"
    many_url = f"/consultations/{busy.reference}/summary/comments"

    for args in ({}, {"q": "view", "control": "labour"}, {"page": "2"}):
        client.get(few_url, query_string=args)
        client.get(many_url, query_string=args)
        with count_selects() as for_few:
            assert cards(client.get(few_url, query_string=args))
        with count_selects() as for_many:
            assert cards(client.get(many_url, query_string=args))
        assert len(for_few) == len(for_many), args

    # Found, ordered and counted on narrow columns in one statement, from the
    # consultation's responses; then only the page's comments read in full.
    found = [s for s in for_many if "count(*) OVER ()" in s]
    assert len(found) == 1
    assert "responses.consultation_id = " in found[0]
    assert "answers.question_id IN (" in found[0]
    assert "submitted_comment IS NOT NULL" in found[0]
    read = [s for s in for_many if re.search(r"answers\.submitted_comment( AS \w+)?,", s)]
    assert len(read) == 1
    assert "answers.id IN (" in read[0]


def test_comments_of_other_consultations_by_the_same_councils_are_not_listed(
    client, comments, secretariat
):
    other = factories.consultation()
    for name in COMMENTS:
        authority = comments.answers[(name, 1)].response.authority
        factories.submitted_response(consultation=other, authority=authority)

    assert len(cards(client.get(comments.url))) == 7
    assert cards(client.get(comments.url, query_string={"question": other.questions[0].id})) == []


def test_a_page_number_beyond_any_database_offset_shows_no_comments_not_an_error(
    client, comments, secretariat
):
    response = client.get(comments.url, query_string={"page": "9" * 30})

    assert cards(response) == []
    assert "No comments match these filters." in page(response).get_text()


# Tagging in bulk ---------------------------------------------------------------------------------


def bulk_url(comments: Comments, **filters: str) -> str:
    query = "&".join(f"{k}={v}" for k, v in filters.items())
    return f"{comments.url}/themes" + (f"?{query}" if query else "")


def ticked(*answers: Answer) -> list[str]:
    return [str(answer.id) for answer in answers]


def test_the_secretariat_adds_a_new_theme_to_the_ticked_comments(client, comments, secretariat):
    chosen = [comments.answers[("Ashford", 1)], comments.answers[("Dunmore", 2)]]

    response = client.post(
        bulk_url(comments, position="support"),
        data={
            "answers": ticked(*chosen),
            "scope": "selected",
            "change": "add",
            "new_theme": "  Rural   Areas ",
        },
    )

    expect(response, 302, location=comments.url + "?position=support")
    assert [themes_of(answer) for answer in chosen] == [["rural areas"], ["rural areas"]]
    assert themes_of(comments.answers[("Barton", 1)]) == []
    assert banner(client.get(comments.url)) == "Success Theme “rural areas” added to 2 comments"
    [event] = audit_events("comment_themes_added")
    assert event.summary.endswith(
        "added the theme “rural areas” to 2 comments on "
        f"{comments.consultation.reference}: Ashford (question 1), Dunmore (question 2)"
    )
    assert [c["answer_id"] for c in event.details["comments"]] == [a.id for a in chosen]
    assert event.details["theme"] == "rural areas"


def test_all_comments_the_filters_show_are_tagged_on_every_page(
    client, comments, secretariat, app, monkeypatch
):
    """ "All shown" takes every comment matching the filters, not only those on
    the page the form was sent from (and none the filters leave out)."""
    monkeypatch.setitem(app.config, "PAGE_SIZE", 1)
    tag(comments.answers[("Ashford", 2)], "timing")

    response = client.post(
        bulk_url(comments, control="labour", page="2"),
        data={"scope": "all", "change": "add", "existing_theme": "timing"},
    )

    expect(response, 302, location=comments.url + "?control=labour&page=2")
    labour = [("Ashford", 1), ("Dunmore", 1), ("Ashford", 2), ("Dunmore", 2)]
    assert [themes_of(comments.answers[key]) for key in labour] == [["timing"]] * 4
    others = [key for key in comments.answers if key not in labour]
    assert all(themes_of(comments.answers[key]) == [] for key in others)
    assert banner(client.get(comments.url)) == (
        "Success Theme “timing” added to 3 comments (1 already had it)"
    )
    [event] = audit_events("comment_themes_added")
    assert "Ashford (question 2)" not in event.summary  # it already had the theme


def test_removing_a_theme_from_the_ticked_comments(client, comments, secretariat):
    for key in [("Ashford", 1), ("Barton", 1), ("Carlow", 2)]:
        tag(comments.answers[key], "funding", "timing")

    response = client.post(
        bulk_url(comments),
        data={
            "answers": ticked(comments.answers[("Ashford", 1)], comments.answers[("Dunmore", 1)]),
            "scope": "selected",
            "change": "remove",
            "existing_theme": "funding",
        },
    )

    expect(response, 302, location=comments.url)
    assert themes_of(comments.answers[("Ashford", 1)]) == ["timing"]
    assert themes_of(comments.answers[("Barton", 1)]) == ["funding", "timing"]
    assert banner(client.get(comments.url)) == (
        "Success Theme “funding” removed from 1 comment (1 did not have it)"
    )
    [event] = audit_events("comment_themes_removed")
    assert event.details["comments"] == [
        {"answer_id": comments.answers[("Ashford", 1)].id, "authority": "Ashford", "question": 1}
    ]


def test_a_bulk_change_moves_the_change_counter_so_the_summary_shows_it(
    client, comments, secretariat
):
    summary = f"/consultations/{comments.consultation.reference}/summary"
    assert "No comments have been tagged" in main_text(client.get(summary))

    client.post(
        bulk_url(comments),
        data={
            "answers": ticked(comments.answers[("Barton", 1)]),
            "scope": "selected",
            "change": "add",
            "new_theme": "timing",
        },
    )

    rows = table_rows(client.get(summary), "table:-soup-contains('Comments tagged')")
    assert rows == [["timing", "0", "0", "0", "1", "0", "0", "1"]]


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        (
            {"scope": "selected", "change": "add", "new_theme": "funding"},
            "#answers",
            "Select the comments to change",
        ),
        (
            {"scope": "selected", "change": "add"},
            "#existing_theme",
            "Choose a theme or enter a new one",
        ),
        (
            {"scope": "selected", "change": "add", "new_theme": "x" * 61},
            "#new_theme",
            "A theme must be 60 characters or fewer",
        ),
        (
            {
                "scope": "selected",
                "change": "add",
                "existing_theme": "timing",
                "new_theme": "rural",
            },
            "#new_theme",
            "Choose an existing theme or enter a new one, not both",
        ),
        (
            {"scope": "selected", "change": "remove", "existing_theme": "no such theme"},
            "#existing_theme",
            "There is no theme called “no such theme”",
        ),
        ({"change": "add", "new_theme": "funding"}, "#scope", "Select which comments to change"),
        (
            {"scope": "selected", "new_theme": "funding"},
            "#change",
            "Select whether to add or remove the theme",
        ),
        (
            {"scope": "everything", "change": "add", "new_theme": "funding"},
            "#scope",
            "Select which comments from the options given",
        ),
    ],
)
def test_a_bulk_change_that_cannot_be_made_shows_the_page_again_with_the_error(
    client, comments, secretariat, data, field, message
):
    tag(comments.answers[("Ashford", 2)], "timing")
    barton = comments.answers[("Barton", 1)]
    answers = [] if field == "#answers" else ticked(barton)

    response = client.post(bulk_url(comments, position="oppose"), data={**data, "answers": answers})

    soup = ok(response)
    assert error_summary(response) == [(message, field)]
    assert cards(response) == ["Barton · question 1 · Oppose"]  # the filters are kept
    if answers:
        assert soup.select_one(f"input[name=answers][value='{barton.id}']").has_attr("checked")
    assert themes_of(barton) == []
    assert audit_events("comment_themes_added") == []
    assert db.session.execute(select(Tag).where(Tag.name.in_(["funding", "rural"]))).first() is None


def test_comments_of_another_consultation_or_drafts_cannot_be_tagged(client, comments, secretariat):
    other = factories.consultation()
    factories.submitted_response(consultation=other, authority=factories.council())
    elsewhere = factories.first_answer(consultation=other)
    elsewhere.submitted_comment = "Elsewhere."
    db.session.flush()

    response = client.post(
        bulk_url(comments),
        data={
            "answers": [str(elsewhere.id), "not-a-number", "9" * 30],
            "scope": "selected",
            "change": "add",
            "new_theme": "funding",
        },
    )

    assert error_summary(response) == [("Select the comments to change", "#answers")]
    assert themes_of(elsewhere) == []


def test_the_bulk_form_is_on_the_comments_page_with_a_box_for_each_comment(
    client, comments, secretariat
):
    tag(comments.answers[("Barton", 1)], "timing")

    soup = ok(client.get(comments.url, query_string={"position": "oppose"}))

    form = soup.select_one("form#bulk-themes")
    assert form["action"] == bulk_url(comments, position="oppose")
    boxes = soup.select("input[name=answers]")
    assert [box["value"] for box in boxes] == [str(comments.answers[("Barton", 1)].id)]
    assert all(box["form"] == "bulk-themes" for box in boxes)
    labels = [label.get_text(" ", strip=True) for label in soup.select("label[for=answers]")]
    assert labels == ["Select Barton's comment on question 1"]
    scope = [label.get_text(" ", strip=True) for label in form.select("[name=scope] + label")]
    assert scope == ["The comments I have ticked above", "All 1 comment these filters show"]
    options = [o.get_text(strip=True) for o in form.select("#existing_theme option")]
    assert options == ["Choose a theme", "timing"]


def test_the_bulk_form_is_not_shown_when_no_comment_matches(client, comments, secretariat):
    soup = ok(client.get(comments.url, query_string={"q": "nothing like this"}))

    assert soup.select("form#bulk-themes") == []


@pytest.mark.parametrize(
    "role", [Role.CHAIR, Role.MINISTER, Role.LEADER, Role.MAYOR, Role.DEPUTY, Role.OFFICER]
)
def test_only_the_secretariat_may_tag_in_bulk(client, comments, role):
    barton = comments.answers[("Barton", 1)]
    sign_in(client, factories.user(role=role))

    response = client.post(
        bulk_url(comments),
        data={"answers": ticked(barton), "scope": "selected", "change": "add", "new_theme": "x"},
    )

    expect(response, 403)
    assert themes_of(barton) == []

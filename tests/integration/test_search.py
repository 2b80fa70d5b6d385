"""The search page: what it finds and how it shows it, on either engine.

The same expectations run on SQLite (FTS5) and PostgreSQL (full-text search),
so the two engines give the same results for this corpus. Who may find what
is in test_search_access.py.
"""

from __future__ import annotations

import io
import zipfile
from datetime import timedelta

import pytest
from sqlalchemy import delete, func, select, text

from commission.auth.roles import Role
from commission.extensions import db
from commission.meetings.models import MeetingStatus
from commission.search import queries
from commission.search.extract import file_text
from commission.search.models import Kind, SearchDocument
from commission.search.queries import distance, parse
from commission.timeutil import today
from tests import factories
from tests.conftest import count_statements
from tests.pages import main_text, ok, page, sign_in, status_line, text_of
from tests.search_helpers import hits, pdf_with


@pytest.fixture
def meeting(app_ctx):
    return factories.meeting(published=True)


def item(meeting, title: str, description: str = "", **kwargs):
    made = factories.agenda_item(meeting=meeting, title=title, **kwargs)
    made.description = description
    db.session.flush()
    return made


def titles(client, query: str, **filters) -> list[str]:
    return [hit["title"] for hit in hits(client, query, **filters)]


# What is found -----------------------------------------------------------------------


def test_words_match_by_their_stem(client, meeting):
    item(meeting, "Children's social care funding")
    item(meeting, "Funded places for two-year-olds")
    item(meeting, "Adult care workforce")
    assert sorted(titles(client, "fund")) == [
        "Children's social care funding",
        "Funded places for two-year-olds",
    ]
    assert titles(client, "FUNDS") == titles(client, "fund")


def test_a_quoted_phrase_matches_as_written(client, meeting):
    item(meeting, "Social care reform", "Reform of adult social care")
    item(meeting, "Care and social housing", "Housing for care leavers, social rent")
    assert titles(client, '"social care"') == ["Social care reform"]
    assert sorted(titles(client, "social care")) == [
        "Care and social housing",
        "Social care reform",
    ]


def test_a_minus_sign_leaves_a_word_out(client, meeting):
    item(meeting, "Sure Start centres", "Capital funding for Sure Start")
    item(meeting, "Sure Start outcomes", "Evidence from the evaluation")
    assert titles(client, '"sure start" -capital') == ["Sure Start outcomes"]
    assert titles(client, 'start -"capital funding"') == ["Sure Start outcomes"]


def test_a_title_match_ranks_first_and_recent_first_among_equals(client, app_ctx):
    older = factories.meeting(published=True, starts_at=factories.london_time(today(), 10))
    newer = factories.meeting(
        published=True, starts_at=factories.london_time(today() + timedelta(days=30), 10)
    )
    item(older, "Earlier discussion", "Devolution of adult skills")
    item(newer, "Later discussion", "Devolution of adult skills")
    item(older, "Devolution framework", "The framework in outline")
    assert titles(client, "devolution") == [
        "Devolution framework",
        "Later discussion",
        "Earlier discussion",
    ]


def test_the_newest_come_first_when_asked_and_the_order_is_kept(client, app_ctx):
    """Sorted by date the most recent come first whatever their relevance,
    an undated result (an authority) last; the order is kept on the next
    page and when the filters are cleared."""
    for day, title, description in [
        (10, "Nebula", "The nebula and the nebula's light"),
        (40, "Item one", "About the nebula"),
        (25, "Item two", "About the nebula"),
    ]:
        meeting = factories.meeting(
            published=True, starts_at=factories.london_time(today() + timedelta(days=day), 10)
        )
        item(meeting, title, description)
    factories.council(name="Nebula Council")
    assert titles(client, "nebula")[0] == "Nebula"  # in its title and text: the most relevant
    newest = titles(client, "nebula", order="newest")
    assert newest == ["Item one", "Item two", "Nebula", "Nebula Council"]
    shown = ok(client.get("/search", query_string={"q": "nebula", "order": "newest"}))
    assert [text_of(o) for o in shown.select("#order option[selected]")] == ["Newest first"]
    clear = shown.find("a", string="Clear filters")
    assert clear is not None and "order=newest" in str(clear["href"])
    for n in range(3, 25):
        item(factories.meeting(published=True), f"Nebula later {n}")
    first = ok(client.get("/search", query_string={"q": "nebula", "order": "newest"}))
    next_page = first.select_one(".govuk-pagination__next a")
    assert next_page is not None and "order=newest" in str(next_page["href"])
    second = ok(client.get(str(next_page["href"])))
    assert [text_of(a) for a in second.select("li.app-search-result h2 a")][-1] == "Nebula Council"


def test_an_order_not_offered_says_so_and_sorts_by_relevance(client, meeting):
    item(meeting, "Blazar", "")
    item(meeting, "Blazar notes", "The blazar, the blazar and the blazar again")
    shown = client.get("/search", query_string={"q": "blazar", "order": "oldest"})
    assert [text for text, _ in error_links(shown)] == [
        "Select how to sort the results from the list"
    ]
    assert titles(client, "blazar", order="oldest") == titles(client, "blazar")
    assert "order=" not in str(ok(shown).select_one("a[href*='Clear']") or "")
    # With nothing searched for, the field still shows its error.
    empty = client.get("/search", query_string={"q": "the", "order": "oldest"})
    assert ok(empty).select_one("#order-error") is not None


def test_the_matching_passage_is_highlighted_and_nothing_stored_is_html(client, meeting):
    item(
        meeting,
        "Settlement",
        "<script>alert('x')</script> The <b>funding</b> settlement for councils & mayors",
    )
    [hit] = hits(client, "funding")
    assert "<mark>funding</mark>" in hit["passage"]
    assert "<script>" not in hit["passage"] and "<b>" not in hit["passage"]
    assert "&amp;" in hit["passage"]


def test_every_kind_is_found(client, app_ctx):
    sign_in(client, factories.user(role=Role.SECRETARIAT))
    meeting = factories.held_meeting(day=today() - timedelta(days=3))
    agenda = item(meeting, "Quorum item", "About the quasar")
    factories.paper(item=agenda, data=pdf_with("The quasar paper"), title="Paper one")
    factories.published_minutes(meeting=meeting, introduction="Quasar minutes")
    factories.decision(meeting=meeting, text="Agreed the quasar plan")
    factories.owned_action(meeting=meeting, text="Map the quasar")
    consultation = factories.consultation(title="Quasar consultation")
    council = factories.council(name="Quasar Council")
    factories.draft_response(consultation=consultation, authority=council, comment="Quasar view")
    leader = factories.user(full_name="Quasar Leader")
    factories.appointment(user=leader, role=Role.LEADER, authority=council)
    kinds = {hit["kind"] for hit in hits(client, "quasar")}
    assert kinds == {
        Kind.AGENDA_ITEM.label,
        Kind.PAPER.label,
        Kind.MINUTES.label,
        Kind.DECISION.label,
        Kind.ACTION.label,
        Kind.CONSULTATION.label,
        Kind.SUMMARY.label,
        Kind.RESPONSE.label,
        Kind.AUTHORITY.label,
        Kind.PERSON.label,
    }


# Filters and counts -------------------------------------------------------------------


def test_filters_narrow_and_counts_are_per_kind(client, app_ctx):
    department = factories.department()
    consultation = factories.consultation(title="Nebula consultation", department=department)
    council = factories.council(name="Nebula Council")
    meeting = factories.meeting(
        published=True, starts_at=factories.london_time(today() + timedelta(days=60), 10)
    )
    item(meeting, "Nebula item one")
    item(meeting, "Nebula item two")
    shown = ok(client.get("/search", query_string={"q": "nebula"}))
    labels = [" ".join(label.get_text().split()) for label in shown.select("form label")]
    assert "Agenda items (2)" in labels
    assert "Consultations (1)" in labels
    assert "Authorities (1)" in labels
    assert "4 results" in status_line(shown)

    assert titles(client, "nebula", kind="agenda_item") == ["Nebula item two", "Nebula item one"]
    assert titles(client, "nebula", department=str(department.id)) == ["Nebula consultation"]
    assert titles(client, "nebula", authority=str(council.id)) == ["Nebula Council"]
    later = today() + timedelta(days=30)
    since = [str(later.day), str(later.month), str(later.year)]
    assert sorted(titles(client, "nebula", since=since)) == ["Nebula item one", "Nebula item two"]
    assert titles(client, "nebula", until=since) == ["Nebula consultation"]
    del consultation


def test_a_filter_not_offered_says_so_and_narrows_nothing(client, meeting):
    item(meeting, "Pulsar item")
    shown = client.get(
        "/search",
        query_string={"q": "pulsar", "department": "999999", "kind": "nonsense", "since": "x"},
    )
    assert [text for text, _ in error_links(shown)] == [
        "Select kinds of result from the list",
        "Enter a real date",
        "Select a department from the list",
    ]
    assert "Pulsar item" in main_text(shown)


def error_links(response):
    from tests.pages import error_summary

    return error_summary(response)


# Did you mean --------------------------------------------------------------------------


def test_a_misspelt_word_suggests_the_nearest_word_found(client, meeting):
    item(meeting, "Devolution framework")
    shown = ok(client.get("/search", query_string={"q": "devolutoin"}))
    assert "0 results" in status_line(shown)
    link = shown.select_one("main [role=status] a")
    assert link is not None and link.get_text() == "devolution"
    assert titles(client, link.get_text()) == ["Devolution framework"]


def test_a_suggestion_never_comes_from_what_the_person_may_not_see(client, app_ctx):
    draft = factories.meeting(status=MeetingStatus.DRAFT)
    item(draft, "Hyperdrive plans")
    shown = ok(client.get("/search", query_string={"q": "hyperdrve"}))
    assert "Did you mean" not in main_text(shown)
    sign_in(client, factories.user(role=Role.SECRETARIAT))
    shown = ok(client.get("/search", query_string={"q": "hyperdrve"}))
    assert "Did you mean hyperdrive" in main_text(shown)


# Bad input ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("", "Enter words to search for."),
        ("   ", "Enter words to search for."),
        ("the of and", "Your search only has common words"),
        ("-funding", "Add a word to search for as well as the words to leave out."),
        ("*** ^^^ ()", "Your search has no words in it."),
    ],
)
def test_a_search_with_nothing_to_find_says_why(client, app_ctx, query, message):
    shown = ok(client.get("/search", query_string={"q": query}))
    assert message in status_line(shown)
    assert not shown.select("li.app-search-result")


@pytest.mark.parametrize(
    ("query", "found"),
    [
        ('"unbalanced quasar', []),  # a phrase to the end: "unbalanced quasar"
        ("quasar -", ["Quasar item"]),
        ('quasar -"', ["Quasar item"]),
        ("quasar\x00", ["Quasar item"]),
        ("(quasar) * ^ : AND OR NOT", ["Quasar item"]),
        ("quasar'; DROP TABLE search_documents; --", []),
        ('quasar NEAR(a b) "', []),
        ("ü€\u00bd quasar", []),
        ("quasar " + "x" * 10_000, []),
    ],
)
def test_odd_input_gives_sensible_results(client, meeting, query, found):
    """Every word must match, whatever surrounds it; nothing is read as syntax."""
    item(meeting, "Quasar item")
    shown = ok(client.get("/search", query_string={"q": query}))
    if len(query) > 1000:
        assert "only its first 200 characters were used" in status_line(shown)
    assert titles(client, query) == found


def test_the_query_is_read_into_words():
    parsed = parse('"Sure Start" funding -capital -"new build" the LGC-2027-004')
    assert parsed.phrases == (("sure", "start"),)
    assert parsed.terms == ("funding", "lgc", "2027", "004")
    assert parsed.excluded == (("capital",), ("new", "build"))
    assert (
        parsed.fts5() == "{title body} : "
        '(("funding" "lgc" "2027" "004" "sure start") NOT "capital" NOT "new build")'
    )
    assert parsed.websearch() == 'funding lgc 2027 004 "sure start" -capital -"new build"'
    assert distance("devolutoin", "devolution") == 1
    assert distance("fundng", "funding") == 1


# Pages and query counts ----------------------------------------------------------------


@pytest.mark.parametrize("order", ["", "newest"])
def test_results_come_in_pages_and_cost_the_same_however_many(client, meeting, order):
    """As many statements for 25 results as for 3, sorted by date or not."""
    for n in range(3):
        item(meeting, f"Comet {n}")
    with count_statements() as few:
        ok(client.get("/search", query_string={"q": "comet"}))
    for n in range(3, 25):
        item(meeting, f"Comet {n}")
    asked = {"q": "comet", "order": order}
    with count_statements() as many:
        first = ok(client.get("/search", query_string=asked))
    assert len(many) == len(few)
    assert len(first.select("li.app-search-result")) == 20
    assert "25 results" in status_line(first)
    second = ok(client.get("/search", query_string={**asked, "page": 2}))
    assert len(second.select("li.app-search-result")) == 5
    beyond = ok(client.get("/search", query_string={**asked, "page": 99}))
    assert "There are no more results" in main_text(beyond)


@pytest.mark.parametrize("who", ["anonymous", "secretariat"])
def test_many_results_of_every_kind_and_later_pages_cost_what_one_result_does(client, app_ctx, who):
    if who == "secretariat":
        sign_in(client, factories.user(role=Role.SECRETARIAT))
    meeting = factories.held_meeting(day=today() - timedelta(days=3))
    first = item(meeting, "Pulsar 0")
    # Unmeasured first, so the test's own changes are written before counting.
    ok(client.get("/search", query_string={"q": "pulsar"}))
    with count_statements() as one:
        shown = ok(client.get("/search", query_string={"q": "pulsar"}))
    assert "1 result " in status_line(shown) + " "
    with count_statements() as one_kind:
        ok(client.get("/search", query_string={"q": "pulsar", "kind": "agenda_item"}))
    for n in range(1, 50):
        item(meeting, f"Pulsar {n}", "A pulsar item")
    for n in range(12):
        factories.paper(item=first, data=pdf_with(f"Pulsar paper {n}"), title=f"Paper {n}")
    factories.published_minutes(meeting=meeting, introduction="Pulsar minutes")
    for n in range(6):
        factories.decision(meeting=meeting, text=f"Agreed pulsar plan {n}")
    factories.consultation(title="Pulsar consultation")
    factories.council(name="Pulsar Council")
    ok(client.get("/search", query_string={"q": "pulsar"}))
    counts = []
    for number in (1, 2, 3, 4):
        with count_statements() as statements:
            shown = ok(client.get("/search", query_string={"q": "pulsar", "page": number}))
        assert shown.select("li.app-search-result"), number
        counts.append(len(statements))
    assert counts == [len(one)] * 4
    assert int(status_line(shown).split()[0]) > 60  # results on four pages and more
    with count_statements() as items:
        shown = ok(
            client.get("/search", query_string={"q": "pulsar", "kind": "agenda_item", "page": 2})
        )
    assert len(shown.select("li.app-search-result")) == 20
    assert len(items) == len(one_kind)


@pytest.mark.parametrize("who", ["anonymous", "secretariat"])
def test_every_result_on_every_page_has_its_passage(client, app_ctx, who):
    """The page's passages are read together, between its first and last
    place in the index: every row of every page, dated or not, new or old,
    title match or not, still comes with its own passage marked."""
    if who == "secretariat":
        sign_in(client, factories.user(role=Role.SECRETARIAT))
    places = ["Ashby", "Bourne", "Corby", "Derby", "Epsom", "Frome", "Goole", "Hythe", "Ilkley"]
    for days in (400, 30, 3):
        meeting = factories.held_meeting(day=today() - timedelta(days=days))
        for n, place in enumerate(places):
            item(meeting, f"Item {days} {place}", f"The {place} quasar survey report")
            item(meeting, f"Quasar survey {days}-{n}", "Nothing else here")
    factories.council(name="Quasar Survey Council")
    for number in (1, 2, 3):
        found = hits(client, '"quasar survey"', page=number)
        assert found, number
        for hit in found:
            assert "<mark>" in hit["passage"] or "Quasar" in hit["title"], hit
            if hit["title"].startswith("Item"):
                assert hit["title"].split()[-1] in hit["passage"], hit
    titles_found = [
        hit["title"] for n in (1, 2, 3) for hit in hits(client, '"quasar survey"', page=n)
    ]
    assert len(titles_found) == len(set(titles_found)) == 55


def test_a_search_is_planned_for_its_own_values_however_often_it_is_made(client, meeting):
    """psycopg prepares a statement it has sent five times, and PostgreSQL
    may then plan it once for any values (a visitor's as the secretariat's,
    this year's as ten years'): the search is never prepared, and the
    connection prepares other statements as before."""
    item(meeting, "Nebula survey")
    connection = db.session.connection().connection.driver_connection
    threshold = getattr(connection, "prepare_threshold", None)
    for _ in range(12):
        assert titles(client, "nebula") == ["Nebula survey"]
    if db.session.get_bind().dialect.name != "postgresql":
        return
    prepared = db.session.execute(
        select(func.count())
        .select_from(text("pg_prepared_statements"))
        .where(text("statement LIKE '%matches%'"))
    ).scalar_one()
    assert prepared == 0
    assert connection.prepare_threshold == threshold


def test_more_matches_than_a_search_ranks_shows_the_most_recent_and_says_so(
    client, app_ctx, monkeypatch
):
    monkeypatch.setattr(queries, "MAX_RESULTS", 5)
    older = factories.meeting(
        published=True, starts_at=factories.london_time(today() + timedelta(days=20), 10)
    )
    newer = factories.meeting(
        published=True, starts_at=factories.london_time(today() + timedelta(days=40), 10)
    )
    for n in range(4):
        item(older, f"Magnetar old {n}")
        item(newer, f"Magnetar new {n}")
    factories.consultation(title="Magnetar consultation")
    shown = ok(client.get("/search", query_string={"q": "magnetar"}))
    assert "More than 5 results" in status_line(shown)
    assert "Add words or filters" in main_text(shown)
    found = [text_of(a) for a in shown.select("li.app-search-result h2 a")]
    # The five most recent (the consultation opened before either meeting),
    # the most relevant first.
    assert len(found) == 5 and all("Magnetar new" in t or "Magnetar old" in t for t in found)
    assert sum("Magnetar new" in t for t in found) == 4
    labels = [" ".join(label.get_text().split()) for label in shown.select("form label")]
    assert "Agenda items" in labels  # no count when not every match was counted
    assert "counted when a search finds 5 or fewer" in main_text(shown)
    # A kind with few matches is counted in full.
    chosen = ok(client.get("/search", query_string={"q": "magnetar", "kind": "consultation"}))
    assert "1 result " in status_line(chosen) + " "
    assert titles(client, "magnetar", kind="consultation") == ["Magnetar consultation"]


def test_more_of_the_kinds_chosen_than_a_search_ranks_counts_no_kind(client, app_ctx, monkeypatch):
    """With more matches of the kinds chosen than are ranked there are more
    of every kind too: the page says there are more, shows the most recent
    of the kinds chosen (the oldest left out), and counts no kind."""
    monkeypatch.setattr(queries, "MAX_RESULTS", 3)
    meeting = factories.meeting(
        published=True, starts_at=factories.london_time(today() + timedelta(days=20), 10)
    )
    for n in range(4):
        item(meeting, f"Magnetar item {n}")
    factories.consultation(title="Magnetar consultation")
    found = queries.search(
        "magnetar",
        viewer=queries.Viewer(),
        filters=queries.Filters(kinds=(Kind.AGENDA_ITEM,)),
    )
    assert found.more and found.capped and found.counts == {}
    assert found.total == 3
    shown = ok(client.get("/search", query_string={"q": "magnetar", "kind": "agenda_item"}))
    assert "More than 3 results" in status_line(shown)
    assert titles(client, "magnetar", kind="agenda_item") == [
        "Magnetar item 3",
        "Magnetar item 2",
        "Magnetar item 1",
    ]
    assert "counted when a search finds 3 or fewer" in main_text(shown)
    labels = [" ".join(label.get_text().split()) for label in shown.select("form label")]
    assert "Agenda items" in labels and "Consultations" in labels


def test_a_record_whose_date_changes_takes_its_new_place_among_the_most_recent(
    client, app_ctx, monkeypatch
):
    """SQLite's index holds the documents in date order (its rowid follows
    the date): a record moved to another day is found in its new place, with
    its passage."""
    monkeypatch.setattr(queries, "MAX_RESULTS", 1)
    earlier = factories.meeting(
        published=True, starts_at=factories.london_time(today() + timedelta(days=10), 10)
    )
    later = factories.meeting(
        published=True, starts_at=factories.london_time(today() + timedelta(days=20), 10)
    )
    item(earlier, "Quasar first", "The quasar survey")
    item(later, "Quasar second", "The quasar survey")
    assert titles(client, "quasar") == ["Quasar second"]
    earlier.starts_at = factories.london_time(today() + timedelta(days=30), 10)
    earlier.ends_at = earlier.starts_at + timedelta(hours=2)
    db.session.flush()
    found = hits(client, "quasar")
    assert [hit["title"] for hit in found] == ["Quasar first"]
    assert "<mark>" in found[0]["passage"]


def test_the_passage_of_a_long_paper_is_where_the_word_is(client, meeting):
    agenda = item(meeting, "Papers")
    filler = " ".join(f"Councils discussed item {n} of the budget." for n in range(400))
    factories.paper(
        item=agenda, data=pdf_with(f"{filler} The Wormhole allocation is agreed."), title="Long"
    )
    [hit] = hits(client, "wormhole")
    assert "<mark>Wormhole</mark>" in hit["passage"]


@pytest.mark.parametrize("before", [2, 27, 33, 120])
def test_the_passage_is_where_the_word_is_in_the_opening_at_its_end_and_beyond(
    client, meeting, before
):
    """PostgreSQL takes a passage from the text's opening when it lies
    there, and from the whole text otherwise: either way it is around the
    word (about 40 characters a sentence: the word at about 80, 1,080,
    1,320 and 4,800 characters in)."""
    agenda = item(meeting, "Papers")
    filler = " ".join(f"Councils discussed item {n} of the budget." for n in range(before))
    after = " ".join(f"Members noted point {n} of the plan." for n in range(200))
    factories.paper(
        item=agenda,
        data=pdf_with(f"{filler} The Wormhole allocation is agreed. {after}"),
        title="Long",
    )
    [hit] = hits(client, "wormhole")
    assert "<mark>Wormhole</mark> allocation" in hit["passage"]


def test_a_long_paper_is_found_by_words_far_into_it_and_ranked_by_its_opening(client, meeting):
    """PostgreSQL looks in a document's title and first 1,000 characters
    before its whole text, and ranks by them: what is found must not change."""
    agenda = item(meeting, "Papers")
    factories.paper(item=agenda, data=pdf_with("A short note on the numbat."), title="Short note")
    filler = " ".join(f"Councils discussed item {n} of the budget." for n in range(100))
    factories.paper(
        item=agenda,
        data=pdf_with(f"Quokka habitat and parity. {filler} Later the numbat funding plan."),
        title="Long paper",
    )
    # Far into the text: a word, a phrase, and a word left out. The paper
    # with the word in its opening ranks first (the other is the newer record).
    assert titles(client, "numbat") == ["Short note", "Long paper"]
    assert titles(client, '"numbat funding plan"') == ["Long paper"]
    assert titles(client, "numbat -plan") == ["Short note"]
    # In the opening: the words but not in that order, then the phrase.
    assert titles(client, '"parity habitat"') == []
    assert titles(client, '"quokka habitat"') == ["Long paper"]


def test_the_header_links_to_search_on_every_page(client, app_ctx):
    for path in ("/", "/meetings", "/about"):
        links = [a["href"] for a in page(client.get(path)).select("header a")]
        assert "/search" in links, path


# Keeping the index current ---------------------------------------------------------------


def test_the_index_follows_changes_in_the_same_transaction(client, app_ctx):
    meeting = factories.meeting(status=MeetingStatus.SCHEDULED)
    agenda = item(meeting, "Nova item")
    assert titles(client, "nova") == []  # the agenda is not published yet
    meeting.status = MeetingStatus.AGENDA_PUBLISHED
    meeting.agenda_published_at = meeting.created_at
    db.session.flush()
    assert titles(client, "nova") == ["Nova item"]
    agenda.title = "Supernova item"
    db.session.flush()
    assert titles(client, "nova") == []
    assert titles(client, "supernova") == ["Supernova item"]
    db.session.delete(agenda)
    db.session.flush()
    assert titles(client, "supernova") == []


def test_a_savepoint_rolled_back_takes_its_index_changes_with_it(app_ctx, meeting):
    savepoint = db.session.begin_nested()
    item(meeting, "Meteor item")
    assert _documents("Meteor item") == 1
    savepoint.rollback()
    assert _documents("Meteor item") == 0


def _documents(title: str) -> int:
    return db.session.execute(
        select(func.count()).select_from(SearchDocument).where(SearchDocument.title == title)
    ).scalar_one()


def test_reindex_rebuilds_everything(app, app_ctx, meeting):
    item(meeting, "Galaxy item")
    db.session.execute(delete(SearchDocument))
    db.session.flush()
    runner = app.test_cli_runner()
    db.session.commit()
    result = runner.invoke(args=["search", "reindex"])
    assert result.exit_code == 0, result.output
    assert "Search index rebuilt" in result.output
    assert _documents("Galaxy item") == 1


# Text of uploaded files -----------------------------------------------------------------


def _upload(client, agenda, data: bytes, filename: str) -> None:
    client.post(
        f"/meetings/{agenda.meeting.slug}/agenda/items/{agenda.id}/papers/new",
        data={"file": (io.BytesIO(data), filename), "title": "", "visibility": "public"},
        content_type="multipart/form-data",
    )


def test_papers_are_found_by_the_words_inside_them(client, meeting):
    sign_in(client, factories.user(role=Role.SECRETARIAT))
    agenda = item(meeting, "Papers")
    _upload(client, agenda, pdf_with("The Antimatter allocation for 2027"), "one.pdf")
    _upload(client, agenda, factories.docx_bytes("Briefing on the antimatter grant"), "two.docx")
    _upload(client, agenda, _odt("An antimatter note"), "three.odt")
    found = hits(client, "antimatter")
    assert sorted(hit["title"] for hit in found) == ["one.pdf", "three.odt", "two.docx"]
    assert all("<mark>" in hit["passage"] for hit in found)


def _odt(text: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(
            zipfile.ZipInfo("mimetype"), factories.ODT_TYPE, compress_type=zipfile.ZIP_STORED
        )
        archive.writestr(
            "content.xml",
            '<?xml version="1.0" encoding="UTF-8"?><office:document-content '
            'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
            'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"><office:body>'
            f"<office:text><text:p>{text}</text:p></office:text></office:body>"
            "</office:document-content>",
        )
        archive.writestr(
            "META-INF/manifest.xml",
            '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
            'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"/>',
        )
    return buffer.getvalue()


def test_reading_a_file_resolves_no_entity_and_survives_damage():
    sneaky = factories.docx_bytes("placeholder").replace(
        b'<?xml version="1.0" encoding="UTF-8"?><w:document',
        b'<?xml version="1.0" encoding="UTF-8"?>'
        b'<!DOCTYPE d [<!ENTITY secret SYSTEM "file:///etc/passwd">]><w:document',
    )
    sneaky = sneaky.replace(b"placeholder", b"&secret; visible")
    text = file_text(sneaky, factories.DOCX_TYPE)
    assert "root:" not in text
    assert file_text(b"not a pdf", "application/pdf") == ""
    assert file_text(b"PK broken zip", factories.DOCX_TYPE) == ""
    assert file_text(b"a,b", "text/csv") == ""

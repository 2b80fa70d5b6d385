"""The public directory of authorities at /authorities: filters, search,
sorting, counts, pages, and the CSV and Excel downloads of the filtered list."""

from __future__ import annotations

import io
from contextlib import contextmanager
from datetime import date, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from openpyxl import load_workbook
from sqlalchemy import delete, event, select

from commission.exports.models import CachedDownload
from commission.extensions import db
from commission.membership.models import Authority, AuthorityKind, Control, Region
from commission.membership.queries import DirectoryFilters
from commission.pagination import paginate_tallied_rows
from commission.timeutil import today
from tests import factories
from tests.pages import expect, heading, page, read_csv, table_rows

SEED_DATE = date(2026, 5, 8)  # the factories' control date


@contextmanager
def statements():
    """The SELECT statements run meanwhile, on the test's connection (a listener
    on the engine would not see a connection opened before it was added)."""
    seen: list[str] = []

    def before(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().upper().startswith("SELECT"):
            seen.append(statement)

    connection = db.session.connection()
    event.listen(connection, "before_cursor_execute", before)
    try:
        yield seen
    finally:
        event.remove(connection, "before_cursor_execute", before)


def rows_by_heading(response) -> list[dict[str, str]]:
    """The table's rows by column heading (without the sort links' hidden text)."""
    table = page(response).select_one("table")
    if table is None:
        return []
    for hidden in table.select("thead .govuk-visually-hidden"):
        hidden.decompose()
    headers = [th.get_text(" ", strip=True) for th in table.select("thead th")]
    return [
        dict(zip(headers, [td.get_text(" ", strip=True) for td in tr.find_all("td")], strict=True))
        for tr in table.select("tbody tr")
    ]


def names(response) -> list[str]:
    return [row[0] for row in table_rows(response)]


def status_text(response) -> str:
    element = page(response).select_one('main p[role="status"]')
    return " ".join(element.get_text(" ", strip=True).split()) if element else ""


@pytest.fixture
def directory(app_ctx):
    """Seven authorities with different types, regions, populations, controls
    and membership; Fenwick is a mayoral area of Barchester and Drummond."""
    avonford = factories.council(
        name="Avonford District Council",
        kind=AuthorityKind.DISTRICT,
        region=Region.SOUTH_WEST,
        population=90_000,
        control=Control.CONSERVATIVE,
    )
    barchester = factories.council(
        name="Barchester City Council",
        kind=AuthorityKind.UNITARY,
        region=Region.SOUTH_EAST,
        population=120_000,
        control=Control.LABOUR,
    )
    casterbridge = factories.council(
        name="Casterbridge County Council",
        kind=AuthorityKind.COUNTY,
        region=Region.SOUTH_WEST,
        population=700_000,
        control=Control.REFORM_UK,
    )
    drummond = factories.council(
        name="Drummond Borough",
        kind=AuthorityKind.METROPOLITAN,
        region=Region.NORTH_WEST,
        population=300_000,
        control=None,
    )
    factories.political_control(
        authority=drummond, control=Control.OTHER, party_name="Aspire", effective_from=SEED_DATE
    )
    eastwick = factories.council(
        name="Eastwick Council",
        kind=AuthorityKind.LONDON_BOROUGH,
        region=Region.LONDON,
        population=None,
        control=None,
        member=False,
    )
    fenwick = factories.strategic_authority(
        name="Fenwick Combined Authority",
        region=Region.NORTH_WEST,
        constituents=[drummond, barchester],
    )
    glenmoor = factories.strategic_authority(
        name="Glenmoor Combined County Authority",
        kind=AuthorityKind.COMBINED_COUNTY_AUTHORITY,
        mayoral=False,
        region=Region.EAST_MIDLANDS,
        constituents=[casterbridge],
        member=False,
    )
    return {
        "avonford": avonford,
        "barchester": barchester,
        "casterbridge": casterbridge,
        "drummond": drummond,
        "eastwick": eastwick,
        "fenwick": fenwick,
        "glenmoor": glenmoor,
    }


ALL = [
    "Avonford District Council",
    "Barchester City Council",
    "Casterbridge County Council",
    "Drummond Borough",
    "Eastwick Council",
    "Fenwick Combined Authority",
    "Glenmoor Combined County Authority",
]


# The list ---------------------------------------------------------------------


def test_the_directory_lists_every_authority_with_its_details(client, directory):
    response = client.get("/authorities")
    expect(response, 200)
    assert heading(response) == "Authorities"
    assert status_text(response) == "7 authorities, of which 5 are members."
    records = {r["Name"]: r for r in rows_by_heading(response)}
    assert list(records) == ALL
    assert records["Avonford District Council"] == {
        "Name": "Avonford District Council",
        "Type": "District council",
        "Region": "South West",
        "Population": "90,000",
        "Political control": "Conservative",
        "Member": "Yes",
    }
    assert records["Drummond Borough"]["Political control"] == "Aspire"
    assert records["Eastwick Council"]["Population"] == "Not known"
    assert records["Eastwick Council"]["Political control"] == "Not recorded"
    assert records["Eastwick Council"]["Member"] == "No"
    assert records["Fenwick Combined Authority"]["Type"] == "Combined authority, mayoral"
    assert records["Glenmoor Combined County Authority"]["Type"] == "Combined county authority"
    link = page(response).select_one("tbody a")
    assert link["href"] == f"/authorities/{directory['avonford'].slug}"
    # No filters to clear; the mayoral areas are offered, not the other one.
    assert page(response).find("a", string="Clear filters") is None
    areas = [o.get_text() for o in page(response).select("#area option")]
    assert areas == ["Anywhere", "Fenwick Combined Authority"]


@pytest.mark.parametrize(
    ("query", "expected", "status"),
    [
        (
            "type=district",
            ["Avonford District Council"],
            "1 authority matches these filters, of which 1 is a member.",
        ),
        (
            "region=South+West",
            ["Avonford District Council", "Casterbridge County Council"],
            "2 authorities match these filters, of which 2 are members.",
        ),
        ("control=labour", ["Barchester City Council"], None),
        ("control=other", ["Drummond Borough"], None),
        (
            "membership=member",
            [n for n in ALL if n not in {"Eastwick Council", "Glenmoor Combined County Authority"}],
            "5 authorities match these filters, of which 5 are members.",
        ),
        (
            "membership=not_member",
            ["Eastwick Council", "Glenmoor Combined County Authority"],
            "2 authorities match these filters, of which 0 are members.",
        ),
        ("area=fenwick", ["Barchester City Council", "Drummond Borough"], None),
        ("q=CASTER", ["Casterbridge County Council"], None),
        ("q=council", [n for n in ALL if "Council" in n], None),
        ("q=+borough+", ["Drummond Borough"], None),
        ("q=_", [], None),  # not a wildcard
        ("q=%25", [], None),
        ("region=South+West&membership=member&q=county", ["Casterbridge County Council"], None),
        ("type=county&area=fenwick", [], None),
    ],
)
def test_filters_and_search(client, directory, query, expected, status):
    query = query.replace("area=fenwick", f"area={directory['fenwick'].slug}")
    response = client.get(f"/authorities?{query}")
    assert names(response) == expected
    if status:
        assert status_text(response) == status
    assert page(response).find("a", string="Clear filters")["href"] == "/authorities"


def test_the_form_shows_the_filters_in_use(client, directory):
    response = client.get(
        "/authorities?q=cast&type=county&region=South+West&control=reform_uk&membership=member"
    )
    html = page(response)
    assert html.select_one("#q")["value"] == "cast"
    assert html.select_one("#type option[selected]")["value"] == "county"
    assert html.select_one("#region option[selected]")["value"] == "South West"
    assert html.select_one("#control option[selected]")["value"] == "reform_uk"
    assert html.select_one("#membership option[selected]")["value"] == "member"
    assert names(response) == ["Casterbridge County Council"]


def test_no_match_shows_an_empty_state(client, directory):
    response = client.get("/authorities?q=atlantis")
    assert status_text(response) == "No authorities match these filters."
    assert page(response).select_one("table") is None
    assert page(response).find("a", string="clear the filters")["href"] == "/authorities"


@pytest.mark.parametrize(
    "query",
    [
        "type=parish",
        "region=Wales",
        "control=whig",
        "membership=maybe",
        "area=atlantis",
        "sort=password&order=sideways",
        "page=abc",
    ],
)
def test_unknown_filter_values_are_ignored(client, directory, query):
    response = client.get(f"/authorities?{query}")
    expect(response, 200)
    assert names(response) == ALL
    assert status_text(response) == "7 authorities, of which 5 are members."
    assert page(response).find("a", string="Clear filters") is None


def test_filters_read_from_the_query_string():
    filters = DirectoryFilters.from_args(
        {
            "q": "  kent  ",
            "type": "county",
            "region": "Mars",
            "area": "kent-and-medway",
            "sort": "population",
            "order": "desc",
        },
        areas={"greater-london-authority"},
    )
    assert (filters.query, filters.kind, filters.region) == ("kent", "county", "")
    assert filters.area == ""  # not a mayoral area
    assert (filters.sort, filters.order) == ("population", "desc")
    assert filters.active
    assert filters.args(page="2") == {
        "q": "kent",
        "type": "county",
        "sort": "population",
        "order": "desc",
        "page": "2",
    }
    assert not DirectoryFilters.from_args({}, areas=()).active
    area = DirectoryFilters.from_args(
        {"area": "greater-london-authority"}, areas={"greater-london-authority"}
    )
    assert area.area == "greater-london-authority"
    assert area.active


# Sorting ------------------------------------------------------------------------

A, B, C, D, E, F, G = ALL
SORTED = {
    # Type sorts by its label; ties, and everything else, by name.
    "kind": [F, G, C, A, E, D, B],
    "region": [G, E, D, F, B, A, C],
    "member": [E, G, A, B, C, D, F],
}


@pytest.mark.parametrize("column", ["name", "kind", "region", "member"])
def test_sorting_by_a_column_both_ways(client, directory, column):
    ascending = SORTED.get(column, ALL)
    response = client.get(f"/authorities?sort={column}&order=asc")
    assert names(response) == ascending
    header = page(response).find("th", attrs={"aria-sort": "ascending"})
    assert header is not None
    assert parse_qs(urlsplit(header.a["href"]).query)["order"] == ["desc"]

    response = client.get(f"/authorities?sort={column}&order=desc")
    descending = names(response)
    if column in {"name", "kind"}:
        assert descending == list(reversed(ascending))
    else:  # equal values keep name order
        assert descending != ascending
        assert sorted(descending) == sorted(ascending)
    assert page(response).find("th", attrs={"aria-sort": "descending"}) is not None


def test_sorting_by_region_descending_keeps_ties_in_name_order(client, directory):
    response = client.get("/authorities?sort=region&order=desc")
    assert names(response) == [A, C, B, D, F, E, G]


def test_sorting_by_member_descending(client, directory):
    response = client.get("/authorities?sort=member&order=desc")
    assert names(response) == [A, B, C, D, F, E, G]


def test_sorting_by_population_puts_unknown_last_both_ways(client, directory):
    assert names(client.get("/authorities?sort=population")) == [A, B, D, C, E, F, G]
    assert names(client.get("/authorities?sort=population&order=desc")) == [C, D, B, A, E, F, G]


def test_sorting_by_control_puts_not_recorded_last_both_ways(client, directory):
    ascending = client.get("/authorities?sort=control&order=asc")
    assert names(ascending) == [D, A, B, C, E, F, G]  # Aspire, Conservative, Labour, Reform UK
    descending = client.get("/authorities?sort=control&order=desc")
    assert names(descending) == [C, B, A, D, E, F, G]


def test_sorting_keeps_the_filters(client, directory):
    response = client.get("/authorities?region=South+West&sort=population&order=desc")
    assert names(response) == [C, A]
    link = page(response).find("th", attrs={"aria-sort": "descending"}).a["href"]
    assert parse_qs(urlsplit(link).query) == {
        "region": ["South West"],
        "sort": ["population"],
        "order": ["asc"],
    }


# Pages ----------------------------------------------------------------------------


@pytest.fixture
def sixty(app_ctx):
    return [
        factories.council(name=f"Council {n:02d}", member=n % 3 != 0, population=1000 + n)
        for n in range(1, 61)
    ]


def test_fifty_a_page(client, sixty):
    first = client.get("/authorities")
    assert names(first) == [f"Council {n:02d}" for n in range(1, 51)]
    assert status_text(first) == "60 authorities, of which 40 are members. Showing 1 to 50."
    next_link = page(first).select_one(".govuk-pagination__next a")["href"]
    assert parse_qs(urlsplit(next_link).query)["page"] == ["2"]

    second = client.get(next_link)
    assert names(second) == [f"Council {n:02d}" for n in range(51, 61)]
    assert status_text(second) == "60 authorities, of which 40 are members. Showing 51 to 60."
    assert page(second).select_one(".govuk-pagination__next") is None
    assert page(second).select_one(".govuk-pagination__prev") is not None


def test_pages_keep_the_filters_and_sort(client, sixty):
    first = client.get("/authorities?membership=member&sort=population&order=desc")
    assert status_text(first) == "40 authorities match these filters, of which 40 are members."
    assert page(first).select_one(".govuk-pagination") is None
    response = client.get("/authorities?q=council&sort=population&order=desc&page=2")
    assert names(response) == [f"Council {n:02d}" for n in range(10, 0, -1)]
    link = page(response).select_one(".govuk-pagination__prev a")["href"]
    assert parse_qs(urlsplit(link).query) == {
        "q": ["council"],
        "sort": ["population"],
        "order": ["desc"],
        "page": ["1"],
    }


def test_a_page_past_the_last_is_not_found(client, sixty):
    response = client.get("/authorities?page=3")
    expect(response, 404)
    assert heading(response) == "Page not found"
    expect(client.get("/authorities?q=nothing-matches&page=2"), 404)
    assert names(client.get("/authorities?page=0")) == names(client.get("/authorities"))


def test_the_directory_runs_the_same_queries_for_five_or_sixty_authorities(client, app_ctx):
    for n in range(5):
        factories.council(name=f"Small {n}")
    client.get("/authorities")  # warm up
    # The map drawn (nothing kept), then kept.
    db.session.execute(delete(CachedDownload))
    with statements() as few:
        assert len(names(client.get("/authorities"))) == 5
    with statements() as few_kept:
        assert len(names(client.get("/authorities"))) == 5
    with statements() as few_csv:
        client.get("/authorities.csv")
    for n in range(55):
        factories.council(name=f"More {n}")
    client.get("/authorities")  # the new councils saved
    db.session.execute(delete(CachedDownload))
    with statements() as many:
        assert len(names(client.get("/authorities"))) == 50
    with statements() as many_kept:
        assert len(names(client.get("/authorities"))) == 50
    with statements() as many_csv:
        client.get("/authorities.csv")
    assert len(few) == len(many), "\n".join(s[:90] for s in many)
    # Kept: the change counter and the kept map instead of drawing it; the
    # page's rows carry the total and the count of members.
    assert 3 <= len(few_kept) == len(many_kept) <= 4, many_kept
    assert 3 == len(few_csv) == len(many_csv), many_csv


# Downloads ------------------------------------------------------------------------


HEADER = [
    "GSS code",
    "Name",
    "Type",
    "Region",
    "Population (mid-2024)",
    "Political control",
    "Control since",
    "Member of the Commission",
    "Mayoral or strategic authority",
]


def test_the_csv_download_is_the_filtered_list(client, directory):
    response = client.get("/authorities.csv?region=South+West&sort=population&order=desc")
    expect(response, 200)
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="authorities-{today().isoformat()}.csv"'
    )
    header, *rows = read_csv(response)
    assert header == HEADER
    casterbridge = directory["casterbridge"]
    assert rows == [
        [
            casterbridge.gss_code,
            "Casterbridge County Council",
            "County council",
            "South West",
            "700000",
            "Reform UK",
            "2026-05-08",
            "Yes",
            "Glenmoor Combined County Authority",
        ],
        [
            directory["avonford"].gss_code,
            "Avonford District Council",
            "District council",
            "South West",
            "90000",
            "Conservative",
            "2026-05-08",
            "Yes",
            "",
        ],
    ]


def test_the_csv_download_has_every_page_and_shows_gaps(client, directory, sixty):
    _, *rows = read_csv(client.get("/authorities.csv"))
    assert len(rows) == 67
    eastwick = next(r for r in rows if r[1] == "Eastwick Council")
    assert eastwick[4:8] == ["", "Not recorded", "", "No"]
    drummond = next(r for r in rows if r[1] == "Drummond Borough")
    assert drummond[5] == "Aspire"
    assert drummond[8] == "Fenwick Combined Authority"


def test_the_directory_links_to_downloads_of_the_same_filter(client, directory):
    response = client.get("/authorities?region=London&sort=name&order=desc")
    links = {a.get_text(" ", strip=True): a["href"] for a in page(response).select("a[download]")}
    csv_link = links["CSV file of the authorities listed"]
    assert urlsplit(csv_link).path == "/authorities.csv"
    assert parse_qs(urlsplit(csv_link).query) == {
        "region": ["London"],
        "sort": ["name"],
        "order": ["desc"],
    }
    assert urlsplit(links["Excel spreadsheet of the authorities listed"]).path == (
        "/authorities.xlsx"
    )
    _, *rows = read_csv(client.get(csv_link))
    assert [r[1] for r in rows] == ["Eastwick Council"]


def test_the_excel_download_is_the_filtered_list(client, directory):
    response = client.get("/authorities.xlsx?membership=member&type=district")
    expect(response, 200)
    assert response.mimetype == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="authorities-{today().isoformat()}.xlsx"'
    )
    workbook = load_workbook(io.BytesIO(response.data))
    assert workbook.sheetnames == ["Authorities"]
    sheet = workbook["Authorities"]
    header, *rows = list(sheet.iter_rows(values_only=True))
    assert list(header) == HEADER
    assert sheet["A1"].font.bold
    assert sheet.freeze_panes == "A2"
    [row] = rows
    assert row[6].date() == date(2026, 5, 8)  # a date cell, read back as a datetime
    assert [*row[:6], *row[7:]] == [
        directory["avonford"].gss_code,
        "Avonford District Council",
        "District council",
        "South West",
        90000,
        "Conservative",
        "Yes",
        None,
    ]


def test_downloads_do_not_let_a_name_become_a_formula(client, app_ctx):
    factories.council(name="=HYPERLINK(1+2)", control=None)
    factories.council(name="+44 Council", control=None)
    factories.council(name="@SUM Council", control=None)
    _, *rows = read_csv(client.get("/authorities.csv"))
    assert sorted(r[1] for r in rows) == ["'+44 Council", "'=HYPERLINK(1+2)", "'@SUM Council"]

    sheet = load_workbook(io.BytesIO(client.get("/authorities.xlsx").data))["Authorities"]
    cells = [sheet.cell(row=n, column=2) for n in range(2, 5)]
    assert sorted(c.value for c in cells) == ["'+44 Council", "'=HYPERLINK(1+2)", "'@SUM Council"]
    assert {c.data_type for c in cells} == {"s"}


def test_an_unknown_download_format_is_not_found(client, directory):
    response = client.get("/authorities.pdf")
    expect(response, 404)
    assert heading(response) == "Page not found"


def test_control_in_the_directory_is_the_latest_on_or_before_today(client, directory):
    barchester = directory["barchester"]
    factories.political_control(authority=barchester, control=Control.GREEN, effective_from=today())
    factories.political_control(
        authority=barchester,
        control=Control.CONSERVATIVE,
        effective_from=today() + timedelta(days=1),
    )
    records = {r["Name"]: r for r in rows_by_heading(client.get("/authorities"))}
    assert records["Barchester City Council"]["Political control"] == "Green"
    assert names(client.get("/authorities?control=green")) == ["Barchester City Council"]
    assert names(client.get("/authorities?control=labour")) == []


def test_membership_in_the_directory_is_on_today(client, directory):
    eastwick = directory["eastwick"]
    factories.membership(authority=eastwick, joined_on=today() + timedelta(days=1))
    avonford = directory["avonford"]
    avonford.memberships[0].left_on = today() - timedelta(days=1)
    factories.db.session.flush()
    response = client.get("/authorities?membership=member")
    assert "Eastwick Council" not in names(response)
    assert "Avonford District Council" not in names(response)
    assert status_text(client.get("/authorities")) == "7 authorities, of which 4 are members."


def test_a_page_carries_its_total_and_tallies_even_past_the_last_page(app_ctx):
    for n in range(3):
        factories.council(name=f"Tally {n}")
    statement = (
        select(Authority.name).where(Authority.name.startswith("Tally")).order_by(Authority.name)
    )
    tallies = {"first": Authority.name == "Tally 0"}

    first = paginate_tallied_rows(statement, page=1, per_page=2, tallies=tallies)
    second = paginate_tallied_rows(statement, page=2, per_page=2, tallies=tallies)
    beyond = paginate_tallied_rows(statement, page=5, per_page=2, tallies=tallies)
    none = paginate_tallied_rows(
        statement.where(Authority.name == "Nowhere"), page=1, per_page=2, tallies=tallies
    )

    assert first.items == [("Tally 0",), ("Tally 1",)]
    assert (first.total, first.pages, first.tallied) == (3, 2, {"first": 1})
    assert second.items == [("Tally 2",)]
    assert (second.total, second.tallied) == (3, {"first": 1})
    assert beyond.items == []
    assert (beyond.total, beyond.tallied) == (3, {"first": 1})
    assert (none.items, none.total, none.tallied) == ([], 0, {"first": 0})

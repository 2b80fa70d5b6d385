"""Reading and validating the seed files, row by row, without a database."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from commission.membership.models import AuthorityKind, Control, OfficeRank, Region
from commission.seeding.reference import (
    FOUNDING_DATE,
    SEEDS,
    _as_of,
    _bool,
    _unique_slug,
    read_councils,
    read_departments,
    read_offices,
    read_strategic,
    slugify,
)

COUNCILS_HEADER = "gss_code,name,council_type,region,population,political_control,control_as_of"
STRATEGIC_HEADER = "code,name,kind,mayoral,region,member_gss_codes"


def write(tmp_path: Path, name: str, *lines: str, bom: bool = False) -> Path:
    path = tmp_path / name
    path.write_text(("\ufeff" if bom else "") + "\n".join(lines) + "\n", encoding="utf-8")
    return path


# Councils ---------------------------------------------------------------------


def test_a_good_council_row_is_read_with_its_types(tmp_path):
    path = write(
        tmp_path,
        "councils.csv",
        COUNCILS_HEADER,
        "E06000001, Hartlepool Borough Council ,unitary,North East,98180,Labour,2026-06",
    )
    problems: list[str] = []
    [row] = read_councils(path, problems)
    assert problems == []
    assert row.line == 2
    assert row.gss_code == "E06000001"
    assert row.name == "Hartlepool Borough Council"  # surrounding spaces trimmed
    assert row.kind is AuthorityKind.UNITARY
    assert row.region is Region.NORTH_EAST
    assert row.population == 98180
    assert (row.control, row.party_name) == (Control.LABOUR, None)
    assert row.control_as_of == date(2026, 6, 1)


@pytest.mark.parametrize(
    ("label", "control", "party_name"),
    [
        ("Labour", Control.LABOUR, None),
        ("Liberal Democrats", Control.LIBERAL_DEMOCRATS, None),
        ("Reform UK", Control.REFORM_UK, None),
        ("No overall control", Control.NO_OVERALL_CONTROL, None),
        ("Not determined", Control.UNDETERMINED, None),
        ("", Control.UNDETERMINED, None),
        ("Aspire", Control.OTHER, "Aspire"),
    ],
)
def test_control_labels_map_to_controls_and_other_parties_keep_their_name(
    tmp_path, label, control, party_name
):
    path = write(
        tmp_path,
        "councils.csv",
        COUNCILS_HEADER,
        f"E09000030,Tower Hamlets,london_borough,London,331886,{label},2026-06",
    )
    problems: list[str] = []
    [row] = read_councils(path, problems)
    assert (row.control, row.party_name) == (control, party_name)


def test_blank_population_and_date_are_allowed(tmp_path):
    path = write(
        tmp_path,
        "councils.csv",
        COUNCILS_HEADER,
        "E07000136,Boston Borough Council,district,East Midlands,,,",
    )
    problems: list[str] = []
    [row] = read_councils(path, problems)
    assert problems == []
    assert row.population is None
    assert row.control_as_of == FOUNDING_DATE


def test_every_bad_council_row_is_reported_with_its_line(tmp_path):
    path = write(
        tmp_path,
        "councils.csv",
        COUNCILS_HEADER,
        "E06000001,Good Council,unitary,North East,1,Labour,2026-06",
        "W06000002,Welsh Council,unitary,North East,1,Labour,2026-06",
        "E06000003,,parish,Wales,-5,Labour,2026-13",
        "E06000001,Same Code Council,combined_authority,North East,1,Labour,2026-06",
        f"E06000004,Long Party Council,unitary,London,1,{'x' * 101},2026-06",
    )
    problems: list[str] = []
    rows = read_councils(path, problems)
    assert [row.name for row in rows] == ["Good Council"]
    assert problems == [
        "councils.csv line 3: GSS code 'W06000002' is not E followed by 8 digits",
        "councils.csv line 4: name is blank",
        "councils.csv line 4: council type 'parish' is not a known council type",
        "councils.csv line 4: region 'Wales' is not an English region",
        "councils.csv line 4: population '-5' is not a whole number",
        "councils.csv line 4: control_as_of '2026-13' is not YYYY-MM",
        "councils.csv line 5: GSS code E06000001 appears twice",
        "councils.csv line 5: council type 'combined_authority' is not a known council type",
        "councils.csv line 6: political control is longer than 100 characters",
    ]


def test_a_quoted_value_over_two_lines_keeps_later_line_numbers_right(tmp_path):
    path = write(
        tmp_path,
        "councils.csv",
        COUNCILS_HEADER,
        'E06000001,"Two\nLine Council",unitary,North East,1,Labour,2026-06',
        "bad,Bad Council,unitary,North East,1,Labour,2026-06",
    )
    problems: list[str] = []
    read_councils(path, problems)
    assert problems == ["councils.csv line 4: GSS code 'bad' is not E followed by 8 digits"]


def test_a_missing_column_is_one_problem(tmp_path):
    path = write(tmp_path, "councils.csv", "gss_code,name", "E06000001,Hartlepool")
    problems: list[str] = []
    assert read_councils(path, problems) == []
    assert problems == [
        "councils.csv: missing columns council_type, region, population, "
        "political_control, control_as_of"
    ]


def test_a_file_saved_by_excel_with_a_byte_order_mark_is_read(tmp_path):
    path = write(
        tmp_path,
        "councils.csv",
        COUNCILS_HEADER,
        "E06000001,Hartlepool Borough Council,unitary,North East,98180,Labour,2026-06",
        bom=True,
    )
    problems: list[str] = []
    [row] = read_councils(path, problems)
    assert problems == []
    assert row.gss_code == "E06000001"


# Strategic authorities ----------------------------------------------------------


def test_a_good_strategic_row_is_read(tmp_path):
    path = write(
        tmp_path,
        "combined_authorities.csv",
        STRATEGIC_HEADER,
        "E47000017,Greater Lincolnshire CCA,combined_county_authority,TRUE,"
        "East Midlands;Yorkshire and The Humber,E10000019; E06000012",
        ",Cumbria Combined Authority,combined_authority,false,North West,E06000063",
    )
    problems: list[str] = []
    lincolnshire, cumbria = read_strategic(path, {"E10000019", "E06000012", "E06000063"}, problems)
    assert problems == []
    assert lincolnshire.kind is AuthorityKind.COMBINED_COUNTY_AUTHORITY
    assert lincolnshire.mayoral is True
    assert lincolnshire.region is Region.EAST_MIDLANDS
    assert lincolnshire.member_codes == ("E10000019", "E06000012")
    assert cumbria.gss_code is None
    assert cumbria.mayoral is False


def test_every_bad_strategic_row_is_reported_with_its_line(tmp_path):
    path = write(
        tmp_path,
        "combined_authorities.csv",
        STRATEGIC_HEADER,
        "E4700001,Short Code CA,combined_authority,true,North West,E08000001",
        "E47000001,Unknown Member CA,combined_authority,true,North West,E08000001;E08999999",
        "E47000002,Yes CA,combined_authority,yes,North West,E08000001",
        "E47000003,County CA,county,true,Narnia;North West,",
        "E47000001,Repeated CA,combined_authority,true,North West,E08000001",
        "E08000001,Council Code CA,combined_authority,true,North West,E08000001",
        ",No Code CA,combined_authority,true,North West,E08000001",
        ",No Code CA,combined_authority,true,North West,E08000001",
    )
    problems: list[str] = []
    rows = read_strategic(path, {"E08000001"}, problems)
    assert [row.name for row in rows] == ["No Code CA"]
    assert problems == [
        "combined_authorities.csv line 2: GSS code 'E4700001' is not E followed by 8 digits",
        "combined_authorities.csv line 3: constituent codes not in councils.csv: E08999999",
        "combined_authorities.csv line 4: mayoral 'yes' is not true or false",
        "combined_authorities.csv line 5: kind 'county' is not a kind of strategic authority",
        "combined_authorities.csv line 5: region 'Narnia;North West' is not a list of "
        "English regions",
        "combined_authorities.csv line 5: no constituent councils",
        "combined_authorities.csv line 6: GSS code E47000001 appears twice",
        "combined_authorities.csv line 7: GSS code E08000001 is also a council's code",
        "combined_authorities.csv line 9: name 'No Code CA' without a code appears twice",
    ]


# Departments and offices --------------------------------------------------------


def test_departments_are_validated(tmp_path):
    path = write(
        tmp_path,
        "departments.csv",
        "name,short_name,head_title,has_secretary_of_state",
        "Department for Education,DfE,Secretary of State for Education,true",
        "Department of Education,DfE,Secretary of State for Education,false",
        ",DX,,perhaps",
        "Department for Education,DfE2,Secretary of State for Education,true",
    )
    problems: list[str] = []
    rows = read_departments(path, problems)
    assert [(r.short_name, r.has_secretary_of_state) for r in rows] == [("DfE", True)]
    assert problems == [
        "departments.csv line 3: short name DfE appears twice",
        "departments.csv line 4: name is blank",
        "departments.csv line 4: head_title is blank",
        "departments.csv line 4: has_secretary_of_state is not true or false",
        "departments.csv line 5: name 'Department for Education' appears twice",
    ]


def test_offices_are_validated_and_a_generic_title_is_one_office(tmp_path):
    path = write(
        tmp_path,
        "ministerial_offices.csv",
        "department_short_name,title,rank,holder,as_of",
        "DfE,Secretary of State for Education,secretary_of_state,A Person,2026-06-19",
        "DfE,Parliamentary Under-Secretary of State,parliamentary_under_secretary,B,2026-06-19",
        "DfE,Parliamentary Under-Secretary of State,parliamentary_under_secretary,C,2026-06-19",
        "DfX,Minister for Nothing,minister_of_state,D,2026-06-19",
        "DfE,,whip,E,2026-06-19",
    )
    problems: list[str] = []
    rows = read_offices(path, {"DfE"}, problems)
    assert [(r.title, r.rank) for r in rows] == [
        ("Secretary of State for Education", OfficeRank.SECRETARY_OF_STATE),
        ("Parliamentary Under-Secretary of State", OfficeRank.PARLIAMENTARY_UNDER_SECRETARY),
    ]
    assert problems == [
        "ministerial_offices.csv line 5: department 'DfX' is not in departments.csv",
        "ministerial_offices.csv line 6: title is blank",
        "ministerial_offices.csv line 6: rank 'whip' is not a known rank",
    ]


# The shipped files and small helpers ---------------------------------------------


def test_the_shipped_seed_files_are_valid():
    problems: list[str] = []
    councils = read_councils(SEEDS / "councils.csv", problems)
    strategic = read_strategic(
        SEEDS / "combined_authorities.csv", {c.gss_code for c in councils}, problems
    )
    departments = read_departments(SEEDS / "departments.csv", problems)
    offices = read_offices(
        SEEDS / "ministerial_offices.csv", {d.short_name for d in departments}, problems
    )
    assert problems == []
    assert (len(councils), len(strategic), len(departments), len(offices)) == (317, 16, 20, 111)


@pytest.mark.parametrize(
    ("value", "expected"),
    [("2026-06", date(2026, 6, 1)), ("2026-6", None), ("2026-00", None), ("June", None)],
)
def test_control_as_of_is_a_year_and_month(value, expected):
    assert _as_of(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"), [("true", True), ("FALSE", False), ("yes", None), ("", None)]
)
def test_flags_are_true_or_false(value, expected):
    assert _bool(value) == expected


def test_slugs_are_readable_and_unique():
    assert slugify("Brighton & Hove City Council") == "brighton-and-hove-city-council"
    assert slugify("King's Lynn and West Norfolk") == "kings-lynn-and-west-norfolk"
    assert slugify("North Somerset  Council") == "north-somerset-council"
    taken = {"bedford-borough-council"}
    assert _unique_slug("Bedford Borough Council", taken) == "bedford-borough-council-2"
    assert _unique_slug("Bedford Borough Council", taken) == "bedford-borough-council-3"
    assert "bedford-borough-council-3" in taken


def test_values_longer_than_their_columns_are_reported_with_their_line(tmp_path):
    long_name = "Long " * 41  # 205 characters, but 204 once the trailing space goes
    councils = write(
        tmp_path,
        "councils.csv",
        COUNCILS_HEADER,
        f"E06000001,{long_name},unitary,North East,1,Labour,2026-06",
    )
    strategic = write(
        tmp_path,
        "combined_authorities.csv",
        STRATEGIC_HEADER,
        f"E47000001,{long_name},combined_authority,true,North East,E06000001",
    )
    departments = write(
        tmp_path,
        "departments.csv",
        "name,short_name,head_title,has_secretary_of_state",
        f"{long_name},{'D' * 21},{long_name},true",
    )
    offices = write(
        tmp_path,
        "ministerial_offices.csv",
        "department_short_name,title,rank,holder,as_of",
        f"DfE,{long_name},minister_of_state,A Person,2026-06-19",
    )
    problems: list[str] = []
    assert read_councils(councils, problems) == []
    assert read_strategic(strategic, {"E06000001"}, problems) == []
    assert read_departments(departments, problems) == []
    assert read_offices(offices, {"DfE"}, problems) == []
    assert problems == [
        "councils.csv line 2: name is longer than 200 characters",
        "combined_authorities.csv line 2: name is longer than 200 characters",
        "departments.csv line 2: name is longer than 200 characters",
        "departments.csv line 2: short_name is longer than 20 characters",
        "departments.csv line 2: head_title is longer than 200 characters",
        "ministerial_offices.csv line 2: title is longer than 200 characters",
    ]


def test_a_slug_fits_its_column_however_long_the_name():
    taken: set[str] = set()
    slug = _unique_slug("The " + "Very " * 40 + "Long Council", taken)
    assert len(slug) <= 100
    assert not slug.endswith("-")
    again = _unique_slug("The " + "Very " * 40 + "Long Council", taken)
    assert again == f"{slug}-2"

"""``flask seed``: the reference data in ``seeds/`` loaded into the database,
idempotently, in one transaction, refusing bad files whole."""

from __future__ import annotations

import csv
import functools
import shutil
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select

from commission.auth.roles import Role
from commission.extensions import db
from commission.membership import services
from commission.membership.models import (
    COUNCIL_KINDS,
    STRATEGIC_KINDS,
    Authority,
    AuthorityKind,
    Control,
    Department,
    Membership,
    MinisterialOffice,
    OfficeRank,
    PoliticalControl,
    Region,
)
from commission.seeding.reference import (
    FOUNDING_DATE,
    FOUNDING_REASON,
    SEEDS,
    SeedError,
    load_reference_data,
)
from commission.timeutil import today
from tests import factories

SEED_CONTROL_DATE = date(2026, 6, 1)
TABLES = (Authority, Membership, PoliticalControl, Department, MinisterialOffice)


def counts() -> dict[str, int]:
    """Rows in every table the seed writes, plus the constituent links."""
    result = {
        model.__tablename__: db.session.execute(
            select(func.count()).select_from(model)
        ).scalar_one()
        for model in TABLES
    }
    result["authority_constituents"] = db.session.execute(
        select(func.count()).select_from(Authority.constituents.property.secondary)
    ).scalar_one()
    return result


def authority(name: str) -> Authority:
    return db.session.execute(select(Authority).where(Authority.name == name)).scalar_one()


def copy_seeds(tmp_path: Path) -> Path:
    folder = tmp_path / "seeds"
    folder.mkdir()
    for path in SEEDS.glob("*.csv"):
        shutil.copy(path, folder / path.name)
    return folder


def edit_csv(path: Path, change) -> None:
    """Rewrite a CSV file, passing its rows (dicts, header first kept) through ``change``."""
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        fields = list(reader.fieldnames or [])
        rows = list(reader)
    rows = change(rows)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=fields, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def row_by_name(rows: list[dict[str, str]], name: str) -> dict[str, str]:
    return next(row for row in rows if row["name"] == name)


@pytest.fixture
def seeded(app_ctx):
    report = load_reference_data()
    db.session.flush()
    return report


# The first load ---------------------------------------------------------------


def test_first_load_creates_every_council_authority_department_and_office(seeded):
    tallies = {name: str(tally) for name, tally in seeded.tallies.items()}
    assert tallies == {
        "councils": "317 created, 0 updated, 0 unchanged",
        "strategic authorities": "16 created, 0 updated, 0 unchanged",
        "departments": "20 created, 0 updated, 0 unchanged",
        # 118 rows; generic titles held by several ministers are one office each
        "ministerial offices": "111 created, 0 updated, 0 unchanged",
        # control_history.csv's 3,432 years, each run of one control kept once
        "control records": f"{expected_control_records()} created, 0 updated, 0 unchanged",
    }
    kinds = dict(
        db.session.execute(select(Authority.kind, func.count()).group_by(Authority.kind)).all()
    )
    assert sum(kinds[k] for k in COUNCIL_KINDS) == 317
    assert sum(kinds.get(k, 0) for k in STRATEGIC_KINDS) == 16
    assert kinds[AuthorityKind.COUNTY] == 21
    assert kinds[AuthorityKind.DISTRICT] == 164
    assert kinds[AuthorityKind.UNITARY] == 62
    assert kinds[AuthorityKind.METROPOLITAN] == 36
    assert kinds[AuthorityKind.LONDON_BOROUGH] == 32
    assert kinds[AuthorityKind.SUI_GENERIS] == 2
    assert counts()["departments"] == 20
    assert counts()["ministerial_offices"] == 111
    regions = dict(
        db.session.execute(
            select(Authority.region, func.count())
            .where(Authority.kind.in_(COUNCIL_KINDS))
            .group_by(Authority.region)
        ).all()
    )
    assert regions[Region.LONDON] == 33
    assert regions[Region.SOUTH_EAST] == 70
    assert set(regions) == set(Region)


def test_councils_carry_name_slug_type_region_and_population(seeded):
    kent = db.session.execute(
        select(Authority).where(Authority.gss_code == "E10000016")
    ).scalar_one()
    assert kent.name == "Kent County Council"
    assert kent.slug == "kent-county-council"
    assert kent.kind is AuthorityKind.COUNTY
    assert kent.region is Region.SOUTH_EAST
    assert kent.population and kent.population > 1_500_000
    assert kent.mayoral is False
    slugs = db.session.execute(select(Authority.slug)).scalars().all()
    assert len(slugs) == len(set(slugs)) == 333


def test_strategic_authorities_have_their_constituent_councils(seeded):
    manchester = authority("Greater Manchester Combined Authority")
    assert manchester.kind is AuthorityKind.COMBINED_AUTHORITY
    assert manchester.mayoral is True
    assert manchester.gss_code == "E47000001"
    assert len(manchester.constituents) == 10
    assert "Manchester City Council" in [c.name for c in manchester.constituents]
    assert sorted(c.gss_code for c in manchester.constituents) == [
        f"E08{n:06d}" for n in range(1, 11)
    ]
    # The mayoral authority's population is its councils' sum.
    assert manchester.population == sum(c.population or 0 for c in manchester.constituents)
    assert manchester.constituents[0].strategic_authorities == [manchester]

    london = authority("Greater London Authority")
    assert london.kind is AuthorityKind.GREATER_LONDON_AUTHORITY
    assert len(london.constituents) == 33

    # A combined county authority's members are upper-tier councils only.
    east_midlands = authority("East Midlands Combined County Authority")
    assert east_midlands.kind is AuthorityKind.COMBINED_COUNTY_AUTHORITY
    assert {c.kind for c in east_midlands.constituents} <= {
        AuthorityKind.COUNTY,
        AuthorityKind.UNITARY,
    }
    # A body spanning two regions takes the first listed.
    assert authority("Greater Lincolnshire Combined County Authority").region is (
        Region.EAST_MIDLANDS
    )
    devon = authority("Devon and Torbay Combined County Authority")
    assert devon.mayoral is False
    assert len(devon.constituents) == 2


def test_every_council_and_mayoral_authority_is_a_member_but_not_the_others(seeded):
    on = today()
    authorities = db.session.execute(select(Authority)).scalars().all()
    members = {a.name for a in authorities if a.membership_on(on) is not None}
    councils = {a.name for a in authorities if a.kind in COUNCIL_KINDS}
    mayoral = {a.name for a in authorities if a.is_strategic and a.mayoral}
    assert len(mayoral) == 14
    assert members == councils | mayoral
    for name in (
        "Devon and Torbay Combined County Authority",
        "Lancashire Combined County Authority",
    ):
        assert authority(name).memberships == []
    seat = authority("Leeds City Council").memberships[0]
    assert (seat.joined_on, seat.left_on, seat.join_reason) == (
        FOUNDING_DATE,
        None,
        FOUNDING_REASON,
    )
    assert counts()["memberships"] == 317 + 14


def expected_control_records() -> int:
    """Counted plainly from the files: each council's years before its
    control_as_of, then that date's control, counting a value only when it
    differs from the one before."""
    with (SEEDS / "councils.csv").open(encoding="utf-8-sig") as handle:
        councils = {row["gss_code"]: row for row in csv.DictReader(handle)}
    with (SEEDS / "control_history.csv").open(encoding="utf-8-sig") as handle:
        years = sorted(csv.DictReader(handle), key=lambda row: (row["gss_code"], row["year"]))
    total = 0
    for code, council in councils.items():
        as_of = council["control_as_of"] or "2026-04"
        values = [
            r["political_control"]
            for r in years
            if r["gss_code"] == code and f"{r['year']}-06" < as_of
        ] + [council["political_control"]]
        total += sum(1 for i, value in enumerate(values) if i == 0 or value != values[i - 1])
    return total


def history(name: str) -> list[tuple[date, str]]:
    return [(c.effective_from, c.label) for c in reversed(authority(name).controls)]


def test_political_control_comes_from_the_seed_and_its_history(seeded):
    assert history("London Borough of Tower Hamlets") == [
        (date(2016, 6, 1), "No overall control"),
        (date(2018, 6, 1), "Labour"),
        (date(2022, 6, 1), "Not determined"),
        (date(2025, 6, 1), "Aspire"),
    ]
    tower_hamlets = authority("London Borough of Tower Hamlets")
    aspire, unnamed = tower_hamlets.controls[0], tower_hamlets.controls[1]
    assert (aspire.control, aspire.party_name) == (Control.OTHER, "Aspire")
    assert aspire.source == "Open Council Data UK (control history)"
    assert unnamed.note == (
        "Councillors outside the named parties held a majority; the source names no group"
    )
    assert tower_hamlets.control_on(date(2022, 5, 31)).label == "Labour"
    assert tower_hamlets.control_on(date(2022, 6, 1)).label == "Not determined"

    # Hartlepool: a file row differs from the last history year, so both are kept
    assert history("Hartlepool Borough Council") == [
        (date(2016, 6, 1), "No overall control"),
        (date(2018, 6, 1), "Not determined"),
        (date(2021, 6, 1), "No overall control"),
        (date(2024, 6, 1), "Labour"),
        (SEED_CONTROL_DATE, "No overall control"),
    ]
    hartlepool = authority("Hartlepool Borough Council")
    assert hartlepool.controls[0].source == "Open Council Data UK (seed data)"

    # Boston's current control has no date in the file: the founding date
    boston = authority("Boston Borough Council")
    assert boston.controls[0].control is Control.UNDETERMINED
    assert boston.controls[0].effective_from == FOUNDING_DATE
    assert boston.controls[0].label == "Not determined"

    current = {}
    for council in db.session.execute(
        select(Authority).where(Authority.kind.in_(COUNCIL_KINDS))
    ).scalars():
        control = council.control_on(today())
        current[control.control] = current.get(control.control, 0) + 1
    assert current == {
        Control.NO_OVERALL_CONTROL: 160,
        Control.LABOUR: 56,
        Control.LIBERAL_DEMOCRATS: 39,
        Control.CONSERVATIVE: 24,
        Control.REFORM_UK: 24,
        Control.GREEN: 6,
        Control.INDEPENDENT: 5,
        Control.OTHER: 1,
        Control.UNDETERMINED: 2,
    }
    assert authority("Greater Manchester Combined Authority").controls == []


def test_a_changed_year_in_the_history_updates_its_record(seeded, tmp_path):
    folder = copy_seeds(tmp_path)

    def change(rows):
        for row in rows:
            if row["gss_code"] == "E08000035" and row["year"] in ("2019", "2020"):
                row["political_control"] = "No overall control"  # Leeds
        return rows

    edit_csv(folder / "control_history.csv", change)
    report = load_reference_data(folder)
    db.session.flush()
    db.session.expire_all()
    assert history("Leeds City Council") == [
        (date(2016, 6, 1), "Labour"),
        (date(2019, 6, 1), "No overall control"),
        (date(2021, 6, 1), "Labour"),
        (SEED_CONTROL_DATE, "No overall control"),
    ]
    assert str(report.tallies["control records"]).startswith("2 created, 0 updated")

    # And back: the seed's records it no longer needs are removed
    report = load_reference_data()
    db.session.flush()
    db.session.expire_all()
    assert history("Leeds City Council") == [
        (date(2016, 6, 1), "Labour"),
        (SEED_CONTROL_DATE, "No overall control"),
    ]
    assert report.tallies["control records"].updated == 2


def test_departments_and_offices(seeded):
    mhclg = db.session.execute(
        select(Department).where(Department.short_name == "MHCLG")
    ).scalar_one()
    assert mhclg.name == "Ministry of Housing, Communities and Local Government"
    assert mhclg.has_secretary_of_state is True
    titles = {o.title: o.rank for o in mhclg.offices}
    assert titles["Secretary of State for Housing, Communities and Local Government"] is (
        OfficeRank.SECRETARY_OF_STATE
    )
    assert titles["Minister for Local Government and Homelessness"] is (
        OfficeRank.MINISTER_OF_STATE
    )
    treasury = db.session.execute(
        select(Department).where(Department.short_name == "HMT")
    ).scalar_one()
    assert treasury.has_secretary_of_state is False
    with_sos = db.session.execute(
        select(func.count()).select_from(Department).where(Department.has_secretary_of_state)
    ).scalar_one()
    assert with_sos == 17


# Running it again -------------------------------------------------------------


def test_a_second_load_changes_nothing(seeded):
    before = counts()
    report = load_reference_data()
    db.session.flush()
    assert not report.changed
    assert {name: (t.created, t.updated) for name, t in report.tallies.items()} == {
        "councils": (0, 0),
        "strategic authorities": (0, 0),
        "departments": (0, 0),
        "ministerial offices": (0, 0),
        "control records": (0, 0),
    }
    assert report.tallies["councils"].unchanged == 317
    assert counts() == before


def test_a_changed_row_updates_its_record_and_adds_nothing(seeded, tmp_path):
    folder = copy_seeds(tmp_path)

    def change(rows):
        row = row_by_name(rows, "Hartlepool Borough Council")
        row.update(name="Hartlepool Council", population="100000", political_control="Green")
        return rows

    edit_csv(folder / "councils.csv", change)
    hartlepool_id = authority("Hartlepool Borough Council").id
    before = counts()

    report = load_reference_data(folder)
    db.session.flush()

    assert str(report.tallies["councils"]) == "0 created, 1 updated, 316 unchanged"
    # Tees Valley's population is its councils' sum, so it changes too.
    assert str(report.tallies["strategic authorities"]) == "0 created, 1 updated, 15 unchanged"
    assert counts() == before
    db.session.expire_all()
    hartlepool = db.session.get(Authority, hartlepool_id)
    assert hartlepool.name == "Hartlepool Council"
    assert hartlepool.slug == "hartlepool-borough-council"  # links keep working
    assert hartlepool.population == 100_000
    record = hartlepool.controls[0]
    assert (record.control, record.effective_from) == (Control.GREEN, SEED_CONTROL_DATE)
    assert str(report.tallies["control records"]).startswith("0 created, 1 updated")
    tees = authority("Tees Valley Combined Authority")
    assert tees.population == sum(c.population or 0 for c in tees.constituents)


def test_a_newer_control_date_in_the_file_adds_to_the_history(seeded, tmp_path):
    folder = copy_seeds(tmp_path)

    def change(rows):
        row_by_name(rows, "Hartlepool Borough Council").update(
            political_control="Reform UK", control_as_of="2026-09"
        )
        return rows

    edit_csv(folder / "councils.csv", change)
    load_reference_data(folder)
    db.session.flush()
    db.session.expire_all()
    hartlepool = authority("Hartlepool Borough Council")
    # The history's June 2026 year now comes before the file's date, and is kept
    assert [(c.effective_from, c.label) for c in hartlepool.controls][:3] == [
        (date(2026, 9, 1), "Reform UK"),
        (SEED_CONTROL_DATE, "No overall control"),
        (date(2024, 6, 1), "Labour"),
    ]


def test_constituents_follow_the_file(seeded, tmp_path):
    folder = copy_seeds(tmp_path)

    def change(rows):
        row = next(r for r in rows if r["code"] == "E47000009")  # West of England
        row["member_gss_codes"] = row["member_gss_codes"] + ";E06000024"
        return rows

    edit_csv(folder / "combined_authorities.csv", change)
    report = load_reference_data(folder)
    db.session.flush()
    assert report.tallies["strategic authorities"].updated == 1
    db.session.expire_all()
    west = authority("West of England Combined Authority")
    assert "North Somerset Council" in [c.name for c in west.constituents]
    assert len(west.constituents) == 4


def test_strategic_authorities_without_a_code_are_matched_by_name(app_ctx, tmp_path):
    """SOURCES.md: bodies created in 2026 have no GSS code yet and are added
    with a blank code; each must be found again by its name."""
    folder = copy_seeds(tmp_path)
    new_bodies = [
        ("Cumbria Combined Authority", "E06000063;E06000064"),
        ("Cheshire and Warrington Combined Authority", "E06000049;E06000050;E06000007"),
    ]

    def strategic(rows):
        template = dict(rows[0], kind="combined_authority", mayoral="true", region="North West")
        return rows + [dict(template, code="", name=n, member_gss_codes=m) for n, m in new_bodies]

    edit_csv(folder / "combined_authorities.csv", strategic)
    first = load_reference_data(folder)
    db.session.flush()
    assert first.tallies["strategic authorities"].created == 18
    cumbria = authority("Cumbria Combined Authority")
    assert cumbria.gss_code is None
    assert cumbria.slug == "cumbria-combined-authority"
    assert len(cumbria.constituents) == 2
    before = counts()

    again = load_reference_data(folder)
    db.session.flush()

    assert str(again.tallies["strategic authorities"]) == "0 created, 0 updated, 18 unchanged"
    assert counts() == before


def test_a_reseed_does_not_reopen_an_ended_membership(seeded):
    secretariat = factories.user(role=Role.SECRETARIAT)
    leeds = authority("Leeds City Council")
    services.end_membership(
        authority=leeds, left_on=date(2026, 9, 30), reason="Left the Commission", actor=secretariat
    )
    db.session.flush()
    before = counts()

    report = load_reference_data()
    db.session.flush()

    assert not report.changed
    assert counts() == before
    db.session.expire_all()
    leeds = authority("Leeds City Council")
    assert [(m.joined_on, m.left_on) for m in leeds.memberships] == [
        (FOUNDING_DATE, date(2026, 9, 30))
    ]
    assert services.open_membership(leeds) is None


def test_a_reseed_keeps_control_recorded_later_by_the_secretariat(seeded):
    secretariat = factories.user(role=Role.SECRETARIAT)
    leeds = authority("Leeds City Council")
    services.record_control(
        authority=leeds,
        control=Control.LABOUR,
        party_name=None,
        effective_from=date(2026, 10, 1),
        note="By-election gain",
        actor=secretariat,
    )
    db.session.flush()

    report = load_reference_data()
    db.session.flush()

    assert not report.changed
    db.session.expire_all()
    leeds = authority("Leeds City Council")
    assert [(c.effective_from, c.label) for c in leeds.controls][:3] == [
        (date(2026, 10, 1), "Labour"),
        (SEED_CONTROL_DATE, "No overall control"),
        (date(2016, 6, 1), "Labour"),
    ]
    assert leeds.control_on(date(2026, 10, 1)).label == "Labour"
    assert leeds.control_on(date(2026, 9, 30)).label == "No overall control"


# Bad files --------------------------------------------------------------------


def council_row(**values: str) -> dict[str, str]:
    row = {
        "gss_code": "E06000901",
        "name": "Newtown Council",
        "council_type": "unitary",
        "region": "North West",
        "population": "1000",
        "political_control": "Labour",
        "control_as_of": "2026-06",
    }
    row.update(values)
    return row


def bad_folder(tmp_path: Path) -> Path:
    """The real seeds with a valid change, and bad rows added after the 317
    councils (lines 319 on) and in the strategic authorities."""
    folder = copy_seeds(tmp_path)

    def councils(rows):
        rows[6]["name"] = "Renamed, but the file is bad"  # valid, yet not imported
        return [
            *rows,
            council_row(gss_code="E0600090"),  # line 319: too short
            council_row(gss_code="E06000902", council_type="parish"),  # line 320
            council_row(gss_code="E06000903", region="Wales"),  # line 321
            council_row(gss_code="E06000001"),  # line 322: Hartlepool's code again
            council_row(gss_code="E06000904", population="about 100k"),  # line 323
            council_row(gss_code="E06000905", control_as_of="June 2026"),  # line 324
        ]

    def strategic(rows):
        rows[1]["member_gss_codes"] += ";E08999999"  # line 3: no such council
        rows[2]["mayoral"] = "yes"  # line 4
        rows[3]["kind"] = "county"  # line 5: not a strategic kind
        return rows

    def history(rows):
        year = dict.fromkeys(rows[0], "")
        return [
            *rows,
            {**year, "gss_code": "E06999999", "year": "2020"},  # line 3434: no such council
            {**year, "gss_code": "E06000001", "year": "20x0"},  # line 3435
            {**year, "gss_code": "E06000001", "year": "2016"},  # line 3436: a second 2016
        ]

    edit_csv(folder / "councils.csv", councils)
    edit_csv(folder / "control_history.csv", history)
    edit_csv(folder / "combined_authorities.csv", strategic)
    return folder


def expected_problems() -> list[str]:
    return [
        "councils.csv line 319: GSS code 'E0600090' is not E followed by 8 digits",
        "councils.csv line 320: council type 'parish' is not a known council type",
        "councils.csv line 321: region 'Wales' is not an English region",
        "councils.csv line 322: GSS code E06000001 appears twice",
        "councils.csv line 323: population 'about 100k' is not a whole number",
        "councils.csv line 324: control_as_of 'June 2026' is not YYYY-MM",
        "control_history.csv line 3434: GSS code 'E06999999' is not a council in councils.csv",
        "control_history.csv line 3435: year '20x0' is not a year",
        "control_history.csv line 3436: E06000001 2016 appears twice",
        "combined_authorities.csv line 3: constituent codes not in councils.csv: E08999999",
        "combined_authorities.csv line 4: mayoral 'yes' is not true or false",
        "combined_authorities.csv line 5: kind 'county' is not a kind of strategic authority",
    ]


def test_bad_rows_are_all_reported_by_line_and_nothing_is_imported(app_ctx, tmp_path):
    folder = bad_folder(tmp_path)
    before = counts()
    with pytest.raises(SeedError) as raised:
        load_reference_data(folder)
    assert raised.value.problems == expected_problems()
    assert counts() == before == dict.fromkeys(before, 0)


def test_a_bad_file_changes_nothing_already_loaded(seeded, tmp_path):
    folder = bad_folder(tmp_path)
    before = counts()
    with pytest.raises(SeedError):
        load_reference_data(folder)
    assert counts() == before
    assert (
        db.session.execute(
            select(Authority).where(Authority.name == "Renamed, but the file is bad")
        ).first()
        is None
    )


def test_a_strategic_code_repeated_or_taken_by_a_council_is_reported(app_ctx, tmp_path):
    folder = copy_seeds(tmp_path)

    def strategic(rows):
        rows[2]["code"] = rows[1]["code"]  # line 4 repeats line 3
        rows[3]["code"] = "E08000001"  # line 5: Bolton's code
        rows[4]["code"] = rows[5]["code"] = ""  # lines 6 and 7: no code, same name
        rows[5]["name"] = rows[4]["name"]
        return rows

    edit_csv(folder / "combined_authorities.csv", strategic)
    with pytest.raises(SeedError) as raised:
        load_reference_data(folder)
    assert raised.value.problems == [
        "combined_authorities.csv line 4: GSS code E47000001 appears twice",
        "combined_authorities.csv line 5: GSS code E08000001 is also a council's code",
        "combined_authorities.csv line 7: name 'Liverpool City Region Combined Authority' "
        "without a code appears twice",
    ]
    assert counts()["authorities"] == 0


def test_departments_and_offices_are_validated_too(app_ctx, tmp_path):
    folder = copy_seeds(tmp_path)

    def departments(rows):
        rows[2]["has_secretary_of_state"] = "maybe"  # line 4
        extra = {**rows[0], "name": "Attorney General's Department"}  # line 22: AGO again
        return [*rows, extra, {**rows[1], "short_name": "CO2"}]  # line 23: name again

    def offices(rows):
        rows[0]["department_short_name"] = "MoM"  # line 2
        rows[1]["rank"] = "whip"  # line 3
        return rows

    edit_csv(folder / "departments.csv", departments)
    edit_csv(folder / "ministerial_offices.csv", offices)
    with pytest.raises(SeedError) as raised:
        load_reference_data(folder)
    assert raised.value.problems == [
        "departments.csv line 4: has_secretary_of_state is not true or false",
        "departments.csv line 22: short name AGO appears twice",
        "departments.csv line 23: name 'Cabinet Office' appears twice",
        "ministerial_offices.csv line 2: department 'MoM' is not in departments.csv",
        "ministerial_offices.csv line 3: rank 'whip' is not a known rank",
    ]
    assert counts() == dict.fromkeys(counts(), 0)


def test_a_missing_column_is_reported(app_ctx, tmp_path):
    folder = copy_seeds(tmp_path)
    text = (folder / "councils.csv").read_text(encoding="utf-8")
    (folder / "councils.csv").write_text(
        text.replace("council_type,region", "type,region", 1), encoding="utf-8"
    )
    with pytest.raises(SeedError) as raised:
        load_reference_data(folder)
    assert "councils.csv: missing columns council_type" in raised.value.problems


# The command ------------------------------------------------------------------


def test_flask_seed_loads_the_data_and_prints_the_tallies(app, app_ctx):
    result = app.test_cli_runner().invoke(args=["seed"])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        "Councils: 317 created, 0 updated, 0 unchanged",
        f"Control records: {expected_control_records()} created, 0 updated, 0 unchanged",
        "Strategic authorities: 16 created, 0 updated, 0 unchanged",
        "Departments: 20 created, 0 updated, 0 unchanged",
        "Ministerial offices: 111 created, 0 updated, 0 unchanged",
    ]
    assert counts()["authorities"] == 333

    again = app.test_cli_runner().invoke(args=["seed"])
    assert again.exit_code == 0
    assert "Councils: 0 created, 0 updated, 317 unchanged" in again.output
    assert counts()["authorities"] == 333


def test_flask_seed_with_bad_data_exits_with_the_problems(app, app_ctx, tmp_path, monkeypatch):
    folder = bad_folder(tmp_path)
    monkeypatch.setattr(
        "commission.cli.load_reference_data", functools.partial(load_reference_data, folder)
    )
    result = app.test_cli_runner().invoke(args=["seed"])
    assert result.exit_code != 0
    for problem in expected_problems():
        assert problem in result.output
    assert "12 problems in the seed files; nothing was imported" in result.output
    assert counts()["authorities"] == 0


def test_flask_seed_demo_is_refused_in_production(app, app_ctx, monkeypatch):
    monkeypatch.setitem(app.config, "ENV_NAME", "production")
    result = app.test_cli_runner().invoke(args=["seed", "--demo"])
    assert result.exit_code != 0
    assert "The demo scenario is never loaded in production" in result.output
    assert counts()["authorities"] == 0

    # The reference data alone is allowed in production.
    result = app.test_cli_runner().invoke(args=["seed"])
    assert result.exit_code == 0
    assert counts()["authorities"] == 333

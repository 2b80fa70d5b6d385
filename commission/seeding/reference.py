"""Loading the reference data in ``seeds/``: councils, their political control
year by year, strategic authorities, departments and ministerial offices.

``load_reference_data`` validates every row of every file first and imports
nothing if any row is bad; it then creates or updates records so that running it
twice changes nothing and a changed row updates its record. The caller commits
(one transaction).
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TypeVar

from sqlalchemy import select

from commission.extensions import db
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

E = TypeVar("E", AuthorityKind, Region, OfficeRank)

SEEDS = Path(__file__).resolve().parent.parent.parent / "seeds"
GSS_CODE = re.compile(r"^E\d{8}$")
AS_OF = re.compile(r"^(\d{4})-(\d{2})$")
FOUNDING_DATE = date(2026, 4, 1)
FOUNDING_REASON = "Founding member of the Commission"
CONTROL_SOURCE = "Open Council Data UK (seed data)"
HISTORY_SOURCE = "Open Council Data UK (control history)"
SEED_SOURCES = frozenset({CONTROL_SOURCE, HISTORY_SOURCE})
# An Open Council Data year is the chamber after that year's May elections; the
# seed dates it from June, as ``control_as_of`` in councils.csv does.
HISTORY_MONTH = 6
UNNAMED_MAJORITY_NOTE = (
    "Councillors outside the named parties held a majority; the source names no group"
)

CONTROL_BY_LABEL = {control.label: control for control in Control if control is not Control.OTHER}


class SeedError(Exception):
    def __init__(self, problems: list[str]) -> None:
        super().__init__(f"{len(problems)} bad rows")
        self.problems = problems


@dataclass
class Tally:
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    def count(self, created: bool, changed: bool) -> None:
        if created:
            self.created += 1
        elif changed:
            self.updated += 1
        else:
            self.unchanged += 1

    def __str__(self) -> str:
        return f"{self.created} created, {self.updated} updated, {self.unchanged} unchanged"


@dataclass
class Report:
    tallies: dict[str, Tally] = field(default_factory=dict)

    def tally(self, name: str) -> Tally:
        return self.tallies.setdefault(name, Tally())

    @property
    def changed(self) -> bool:
        return any(t.created or t.updated for t in self.tallies.values())


# Rows, validated -------------------------------------------------------------


@dataclass(frozen=True)
class CouncilRow:
    line: int
    gss_code: str
    name: str
    kind: AuthorityKind
    region: Region
    population: int | None
    control: Control | None
    party_name: str | None
    control_as_of: date | None


@dataclass(frozen=True)
class ControlYearRow:
    line: int
    gss_code: str
    year: int
    control: Control
    party_name: str | None


@dataclass(frozen=True)
class StrategicRow:
    line: int
    gss_code: str | None
    name: str
    kind: AuthorityKind
    mayoral: bool
    region: Region
    member_codes: tuple[str, ...]


@dataclass(frozen=True)
class DepartmentRow:
    line: int
    name: str
    short_name: str
    head_title: str
    has_secretary_of_state: bool


@dataclass(frozen=True)
class OfficeRow:
    line: int
    department_short_name: str
    title: str
    rank: OfficeRank


def _rows(
    path: Path, columns: list[str], problems: list[str]
) -> Iterator[tuple[int, dict[str, str]]]:
    with path.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        missing = [c for c in columns if c not in (reader.fieldnames or [])]
        if missing:
            problems.append(f"{path.name}: missing columns {', '.join(missing)}")
            return
        for row in reader:
            # Runs of spaces collapse to one ("North Somerset  Council" in a source).
            values = {key: " ".join((value or "").split()) for key, value in row.items() if key}
            yield reader.line_num, values


# Longest values the columns hold.
NAME_MAX = 200
SHORT_NAME_MAX = 20
SLUG_BASE_MAX = 100


def _too_long(row: dict[str, str], limits: dict[str, int]) -> list[str]:
    return [
        f"{column} is longer than {limit} characters"
        for column, limit in limits.items()
        if len(row[column]) > limit
    ]


def _bool(value: str) -> bool | None:
    return {"true": True, "false": False}.get(value.lower())


def _as_of(value: str) -> date | None:
    match = AS_OF.match(value)
    if not match:
        return None
    year, month = int(match.group(1)), int(match.group(2))
    if not 1 <= month <= 12:
        return None
    return date(year, month, 1)


def read_councils(path: Path, problems: list[str]) -> list[CouncilRow]:
    columns = [
        "gss_code",
        "name",
        "council_type",
        "region",
        "population",
        "political_control",
        "control_as_of",
    ]
    rows: list[CouncilRow] = []
    seen: set[str] = set()
    for line, row in _rows(path, columns, problems):
        where = f"{path.name} line {line}"
        errors = []
        code = row["gss_code"]
        if not GSS_CODE.match(code):
            errors.append(f"GSS code {code!r} is not E followed by 8 digits")
        elif code in seen:
            errors.append(f"GSS code {code} appears twice")
        seen.add(code)
        if not row["name"]:
            errors.append("name is blank")
        errors.extend(_too_long(row, {"name": NAME_MAX}))
        kind = _enum_or_none(AuthorityKind, row["council_type"])
        if kind is None or kind not in COUNCIL_KINDS:
            errors.append(f"council type {row['council_type']!r} is not a known council type")
        region = _enum_or_none(Region, row["region"])
        if region is None:
            errors.append(f"region {row['region']!r} is not an English region")
        population = None
        if row["population"]:
            if row["population"].isdigit():
                population = int(row["population"])
            else:
                errors.append(f"population {row['population']!r} is not a whole number")
        label = row["political_control"]
        control, party_name = _control_from_label(label)
        if len(label) > 100:
            errors.append("political control is longer than 100 characters")
        as_of = _as_of(row["control_as_of"]) if row["control_as_of"] else None
        if row["control_as_of"] and as_of is None:
            errors.append(f"control_as_of {row['control_as_of']!r} is not YYYY-MM")
        if errors:
            problems.extend(f"{where}: {error}" for error in errors)
            continue
        assert kind is not None and region is not None
        rows.append(
            CouncilRow(
                line,
                code,
                row["name"],
                kind,
                region,
                population,
                control,
                party_name,
                as_of or FOUNDING_DATE,
            )
        )
    return rows


def _control_from_label(label: str) -> tuple[Control, str | None]:
    """A blank label is a council whose control the source could not name."""
    if not label:
        return Control.UNDETERMINED, None
    control = CONTROL_BY_LABEL.get(label, Control.OTHER)
    return control, label if control is Control.OTHER else None


def read_control_history(
    path: Path, council_codes: set[str], problems: list[str]
) -> list[ControlYearRow]:
    columns = ["gss_code", "year", "political_control"]
    rows: list[ControlYearRow] = []
    seen: set[tuple[str, int]] = set()
    for line, row in _rows(path, columns, problems):
        where = f"{path.name} line {line}"
        errors = []
        code = row["gss_code"]
        if code not in council_codes:
            errors.append(f"GSS code {code!r} is not a council in councils.csv")
        year = int(row["year"]) if re.fullmatch(r"\d{4}", row["year"]) else None
        if year is None:
            errors.append(f"year {row['year']!r} is not a year")
        elif (code, year) in seen:
            errors.append(f"{code} {year} appears twice")
        if len(row["political_control"]) > 100:
            errors.append("political control is longer than 100 characters")
        if errors:
            problems.extend(f"{where}: {error}" for error in errors)
            continue
        assert year is not None
        seen.add((code, year))
        control, party_name = _control_from_label(row["political_control"])
        rows.append(ControlYearRow(line, code, year, control, party_name))
    return rows


def read_strategic(path: Path, council_codes: set[str], problems: list[str]) -> list[StrategicRow]:
    columns = ["code", "name", "kind", "mayoral", "region", "member_gss_codes"]
    rows: list[StrategicRow] = []
    seen: set[str] = set()
    seen_codeless: set[str] = set()
    for line, row in _rows(path, columns, problems):
        where = f"{path.name} line {line}"
        errors = []
        code = row["code"] or None
        if code is not None and not GSS_CODE.match(code):
            errors.append(f"GSS code {code!r} is not E followed by 8 digits")
        elif code is not None and code in seen:
            errors.append(f"GSS code {code} appears twice")
        elif code is not None and code in council_codes:
            errors.append(f"GSS code {code} is also a council's code")
        elif code is None and row["name"] in seen_codeless:
            errors.append(f"name {row['name']!r} without a code appears twice")
        if code is not None:
            seen.add(code)
        else:
            seen_codeless.add(row["name"])
        if not row["name"]:
            errors.append("name is blank")
        errors.extend(_too_long(row, {"name": NAME_MAX}))
        kind = _enum_or_none(AuthorityKind, row["kind"])
        if kind is None or kind not in STRATEGIC_KINDS:
            errors.append(f"kind {row['kind']!r} is not a kind of strategic authority")
        mayoral = _bool(row["mayoral"])
        if mayoral is None:
            errors.append(f"mayoral {row['mayoral']!r} is not true or false")
        regions = [_enum_or_none(Region, r.strip()) for r in row["region"].split(";") if r.strip()]
        if not regions or any(r is None for r in regions):
            errors.append(f"region {row['region']!r} is not a list of English regions")
        members = tuple(c.strip() for c in row["member_gss_codes"].split(";") if c.strip())
        unknown = [c for c in members if c not in council_codes]
        if unknown:
            errors.append(f"constituent codes not in councils.csv: {', '.join(unknown)}")
        if not members:
            errors.append("no constituent councils")
        if errors:
            problems.extend(f"{where}: {error}" for error in errors)
            continue
        assert kind is not None and mayoral is not None and regions[0] is not None
        rows.append(StrategicRow(line, code, row["name"], kind, mayoral, regions[0], members))
    return rows


def read_departments(path: Path, problems: list[str]) -> list[DepartmentRow]:
    columns = ["name", "short_name", "head_title", "has_secretary_of_state"]
    rows: list[DepartmentRow] = []
    seen: set[str] = set()
    seen_names: set[str] = set()
    for line, row in _rows(path, columns, problems):
        where = f"{path.name} line {line}"
        errors = []
        for column in ("name", "short_name", "head_title"):
            if not row[column]:
                errors.append(f"{column} is blank")
        errors.extend(
            _too_long(row, {"name": NAME_MAX, "short_name": SHORT_NAME_MAX, "head_title": NAME_MAX})
        )
        if row["short_name"] in seen:
            errors.append(f"short name {row['short_name']} appears twice")
        seen.add(row["short_name"])
        if row["name"] in seen_names:
            errors.append(f"name {row['name']!r} appears twice")
        seen_names.add(row["name"])
        flag = _bool(row["has_secretary_of_state"])
        if flag is None:
            errors.append("has_secretary_of_state is not true or false")
        if errors:
            problems.extend(f"{where}: {error}" for error in errors)
            continue
        assert flag is not None
        rows.append(DepartmentRow(line, row["name"], row["short_name"], row["head_title"], flag))
    return rows


def read_offices(path: Path, departments: set[str], problems: list[str]) -> list[OfficeRow]:
    columns = ["department_short_name", "title", "rank"]
    rows: list[OfficeRow] = []
    seen: set[tuple[str, str]] = set()
    for line, row in _rows(path, columns, problems):
        where = f"{path.name} line {line}"
        errors = []
        if row["department_short_name"] not in departments:
            errors.append(f"department {row['department_short_name']!r} is not in departments.csv")
        if not row["title"]:
            errors.append("title is blank")
        errors.extend(_too_long(row, {"title": NAME_MAX}))
        rank = _enum_or_none(OfficeRank, row["rank"])
        if rank is None:
            errors.append(f"rank {row['rank']!r} is not a known rank")
        if errors:
            problems.extend(f"{where}: {error}" for error in errors)
            continue
        key = (row["department_short_name"], row["title"])
        if key in seen:
            continue  # a generic title held by several ministers is one office
        seen.add(key)
        assert rank is not None
        rows.append(OfficeRow(line, row["department_short_name"], row["title"], rank))
    return rows


def _enum_or_none(enum_class: type[E], value: str) -> E | None:
    try:
        return enum_class(value)
    except ValueError:
        return None


# Loading ---------------------------------------------------------------------


def slugify(name: str) -> str:
    text = name.lower().replace("&", " and ").replace("'", "")
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")


def _unique_slug(name: str, taken: set[str]) -> str:
    base = slugify(name)[:SLUG_BASE_MAX].rstrip("-")
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    taken.add(slug)
    return slug


def _apply(record: object, values: dict[str, object]) -> bool:
    changed = False
    for key, value in values.items():
        if getattr(record, key) != value:
            setattr(record, key, value)
            changed = True
    return changed


def load_reference_data(folder: Path = SEEDS) -> Report:
    problems: list[str] = []
    councils = read_councils(folder / "councils.csv", problems)
    all_council_codes = _all_codes(folder / "councils.csv")
    history = read_control_history(folder / "control_history.csv", all_council_codes, problems)
    strategic = read_strategic(folder / "combined_authorities.csv", all_council_codes, problems)
    departments = read_departments(folder / "departments.csv", problems)
    offices = read_offices(
        folder / "ministerial_offices.csv", _all_short_names(folder / "departments.csv"), problems
    )
    if problems:
        raise SeedError(problems)

    report = Report()
    authorities = list(db.session.execute(select(Authority)).scalars())
    existing = {a.gss_code: a for a in authorities if a.gss_code}
    by_name = {a.name: a for a in authorities}
    slugs = {a.slug for a in authorities}
    _seed_councils(councils, history, existing, slugs, report)
    _seed_strategic(strategic, existing, by_name, slugs, report.tally("strategic authorities"))
    known = _seed_departments(departments, report.tally("departments"))
    tally = report.tally("ministerial offices")
    db.session.flush()
    _seed_offices(offices, known, tally)
    db.session.flush()
    return report


def _seed_councils(
    councils: list[CouncilRow],
    history: list[ControlYearRow],
    existing: dict[str, Authority],
    slugs: set[str],
    report: Report,
) -> None:
    """Each council, added or brought up to date, with its membership and its
    political control year by year (``existing`` gains the new ones)."""
    years_by_code: dict[str, list[ControlYearRow]] = {}
    for year_row in history:
        years_by_code.setdefault(year_row.gss_code, []).append(year_row)
    tally = report.tally("councils")
    control_tally = report.tally("control records")
    for c in councils:
        authority = existing.get(c.gss_code)
        created = authority is None
        if authority is None:
            authority = Authority(gss_code=c.gss_code, slug=_unique_slug(c.name, slugs))
            db.session.add(authority)
            existing[c.gss_code] = authority
        changed = _apply(
            authority,
            {
                "name": c.name,
                "kind": c.kind,
                "region": c.region,
                "population": c.population,
                "mayoral": False,
            },
        )
        changed |= _seed_membership(authority, created)
        tally.count(created, changed and not created)
        _seed_controls(
            authority, control_timeline(c, years_by_code.get(c.gss_code, [])), control_tally
        )


def _seed_strategic(
    strategic: list[StrategicRow],
    existing: dict[str, Authority],
    by_name: dict[str, Authority],
    slugs: set[str],
    tally: Tally,
) -> None:
    """Each strategic authority, with its constituent councils and the
    population they add up to (a county's is left out where its districts
    are counted)."""
    for s in strategic:
        authority = existing.get(s.gss_code) if s.gss_code else by_name.get(s.name)
        created = authority is None
        if authority is None:
            authority = Authority(gss_code=s.gss_code, slug=_unique_slug(s.name, slugs))
            db.session.add(authority)
        members = [existing[code] for code in s.member_codes]
        has_districts = any(m.kind is AuthorityKind.DISTRICT for m in members)
        population = sum(
            m.population or 0
            for m in members
            if not (has_districts and m.kind is AuthorityKind.COUNTY)
        )
        changed = _apply(
            authority,
            {
                "name": s.name,
                "kind": s.kind,
                "region": s.region,
                "mayoral": s.mayoral,
                "population": population,
            },
        )
        if sorted(m.gss_code or "" for m in authority.constituents) != sorted(s.member_codes):
            authority.constituents = sorted(members, key=lambda m: m.name)
            changed = True
        if s.mayoral:
            changed |= _seed_membership(authority, created)
        tally.count(created, changed and not created)


def _seed_departments(departments: list[DepartmentRow], tally: Tally) -> dict[str, Department]:
    """Each department, added or brought up to date; every department by its short name."""
    known = {d.short_name: d for d in db.session.execute(select(Department)).scalars()}
    for d in departments:
        department = known.get(d.short_name)
        created = department is None
        if department is None:
            department = Department(short_name=d.short_name)
            db.session.add(department)
            known[d.short_name] = department
        changed = _apply(
            department,
            {
                "name": d.name,
                "head_title": d.head_title,
                "has_secretary_of_state": d.has_secretary_of_state,
            },
        )
        tally.count(created, changed and not created)

    return known


def _seed_offices(offices: list[OfficeRow], known: dict[str, Department], tally: Tally) -> None:
    offices_by_key = {
        (o.department.short_name, o.title): o
        for o in db.session.execute(select(MinisterialOffice)).scalars()
    }
    for o in offices:
        office = offices_by_key.get((o.department_short_name, o.title))
        created = office is None
        if office is None:
            office = MinisterialOffice(department=known[o.department_short_name], title=o.title)
            db.session.add(office)
        changed = _apply(office, {"rank": o.rank})
        tally.count(created, changed and not created)


@dataclass(frozen=True)
class ControlPoint:
    effective_from: date
    control: Control
    party_name: str | None
    source: str
    note: str | None


def control_timeline(council: CouncilRow, years: list[ControlYearRow]) -> list[ControlPoint]:
    """The seed's control of one council, oldest first: a point for each year of
    the history before the file's ``control_as_of``, then that date's control,
    with each run of the same control kept as its first point only, because a
    record holds from its date until the next one."""
    assert council.control is not None and council.control_as_of is not None
    points = [
        ControlPoint(
            date(row.year, HISTORY_MONTH, 1),
            row.control,
            row.party_name,
            HISTORY_SOURCE,
            UNNAMED_MAJORITY_NOTE if row.control is Control.UNDETERMINED else None,
        )
        for row in sorted(years, key=lambda row: row.year)
        if date(row.year, HISTORY_MONTH, 1) < council.control_as_of
    ]
    points.append(
        ControlPoint(
            council.control_as_of, council.control, council.party_name, CONTROL_SOURCE, None
        )
    )
    timeline: list[ControlPoint] = []
    for point in points:
        if timeline and (timeline[-1].control, timeline[-1].party_name) == (
            point.control,
            point.party_name,
        ):
            continue
        timeline.append(point)
    return timeline


def _seed_controls(authority: Authority, timeline: list[ControlPoint], tally: Tally) -> None:
    """Records the timeline. A record the secretariat made is left alone, even
    on a seed date; the seed's own records not in the timeline any more are
    removed, so the history follows the files."""
    existing = {record.effective_from: record for record in authority.controls}
    wanted = {point.effective_from for point in timeline}
    for old in list(authority.controls):
        if old.source in SEED_SOURCES and old.effective_from not in wanted:
            authority.controls.remove(old)
            tally.updated += 1
    for point in timeline:
        record = existing.get(point.effective_from)
        values: dict[str, object] = {
            "control": point.control,
            "party_name": point.party_name,
            "source": point.source,
            "note": point.note,
        }
        if record is None:
            authority.controls.append(
                PoliticalControl(
                    effective_from=point.effective_from,
                    control=point.control,
                    party_name=point.party_name,
                    source=point.source,
                    note=point.note,
                )
            )
            tally.count(True, True)
        elif record.source in SEED_SOURCES:
            tally.count(False, _apply(record, values))
        else:
            tally.count(False, False)
    # Newest first, as the relationship loads them and ``control_on`` reads them.
    authority.controls.sort(key=lambda record: record.effective_from, reverse=True)


def _seed_membership(authority: Authority, created: bool) -> bool:
    """Every principal council and mayoral strategic authority starts as a
    member. Only when it has never had a seat: an ended membership stays ended."""
    if not created and authority.memberships:
        return False
    authority.memberships.append(Membership(joined_on=FOUNDING_DATE, join_reason=FOUNDING_REASON))
    return True


def _all_codes(path: Path) -> set[str]:
    with path.open(newline="", encoding="utf-8-sig") as handle:
        return {(row.get("gss_code") or "").strip() for row in csv.DictReader(handle)}


def _all_short_names(path: Path) -> set[str]:
    with path.open(newline="", encoding="utf-8-sig") as handle:
        return {(row.get("short_name") or "").strip() for row in csv.DictReader(handle)}

"""The bench's datasets: the Commission after ten years, and after one.

``build(url, size=..., years=...)`` migrates the database at ``url`` to the
latest schema, loads the real reference data (``flask seed`` without the
demo), then generates the history by bulk inserts from a fixed seed:
consultations with their questions, responses, answers and revisions, held
meetings with agenda items, papers and approved minutes with decisions and
actions, and the audit trail. On top of the history come the consultations
the bench times: two that every current member authority answered (25
position questions, with comments, most of them tagged with themes), one
with a published summary and one still live (closed, not yet published), and
one with 150 responses. The meeting the bench times has papers of a real
pack's length (a briefing and an annex per item, hundreds of pages in all);
every other meeting has 17 papers of a few thousand words each
(``paper_text.py``), about 2,000 over ten years. Last, the search index is
built over everything by ``reindex_all()``, as ``flask search reindex`` does.

Large tables go in with PostgreSQL's COPY (psycopg) or, on SQLite, one
``executemany`` in one transaction; small ones with multi-row INSERTs through
SQLAlchemy Core. A marker table records the size and seed, so a database
already built the same way is reused (``rebuild=True`` starts again).

    .venv/bin/python bench/dataset.py                  # build both, print what was built
    BENCH_SIZE=small .venv/bin/python bench/dataset.py --rebuild
"""

from __future__ import annotations

import json
import os
import random
import sys
import tempfile
import time
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path and not os.environ.get("PYTHONPATH"):
    sys.path.insert(0, str(ROOT))
if str(Path(__file__).resolve().parent) not in sys.path:
    sys.path.insert(0, str(Path(__file__).resolve().parent))

import paper_text  # noqa: E402

SEED = 17
# Bumped whenever the generator changes, so an older dataset is rebuilt.
GENERATOR = 5
MARKER_TABLE = "bench_dataset"
SIZES = ("full", "small")
TARGET_QUESTIONS = 25
MID_RESPONSES = 150
BENCH_DOMAIN = "bench.example.org"
NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)


@dataclass(frozen=True)
class Scale:
    """How much history to generate: ten years of the real Commission is
    ``consultations=500`` (about 300 responses each, 10 to 25 questions), 120
    held meetings and 270,000 audit events; a year is a tenth of it."""

    years: int
    consultations: int
    meetings: int
    audit_events: int


def scale_for(size: str, years: int) -> Scale:
    if size not in SIZES:
        raise ValueError(f"BENCH_SIZE must be one of {', '.join(SIZES)}, not {size!r}")
    if size == "full":
        return Scale(
            years, consultations=50 * years, meetings=12 * years, audit_events=27_000 * years
        )
    # A few thousand rows of history: enough to exercise every page quickly.
    return Scale(
        years, consultations=max(2, years), meetings=max(3, years), audit_events=300 * years
    )


@dataclass
class DatasetInfo:
    """What the driver needs to find its way around a built dataset."""

    size: str
    years: int
    seed: int
    generator: int = GENERATOR
    dialect: str = ""
    build_seconds: float = 0.0
    # Of which filling the search index (``reindex_all``) took this long.
    index_seconds: float = 0.0
    index_documents: int = 0
    counts: dict[str, int] = field(default_factory=dict)
    target_reference: str = ""
    mid_reference: str = ""
    live_reference: str = ""
    target_members: int = 0
    meeting_slug: str = ""
    authority_slug: str = ""
    decision_query: str = "funding"
    # What the bench's searches look for besides ``decision_query``: a phrase
    # in many papers, and a word in about one paper in a hundred.
    search_phrase: str = '"adult social care"'
    search_rare_word: str = "crematorium"
    users: dict[str, str] = field(default_factory=dict)
    reused: bool = False


class Bulk:
    """Bulk inserts with explicit ids, in the dialect's fastest way."""

    def __init__(self, connection: Any) -> None:
        self.connection = connection
        self.dialect = connection.dialect.name
        self.counts: dict[str, int] = {}
        self.next_ids: dict[str, int] = {}

    def ids(self, table: str, count: int) -> range:
        """``count`` fresh ids for ``table``, after any rows already there."""
        from sqlalchemy import text

        if table not in self.next_ids:
            current = self.connection.execute(text(f"SELECT max(id) FROM {table}")).scalar()  # noqa: S608
            self.next_ids[table] = (current or 0) + 1
        start = self.next_ids[table]
        self.next_ids[table] = start + count
        return range(start, start + count)

    def when(self, value: datetime | None) -> Any:
        """A timestamp as the raw driver wants it (SQLite keeps naive UTC text)."""
        if value is None or self.dialect != "sqlite":
            return value
        return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")

    def day(self, value: date | None) -> Any:
        if value is None or self.dialect != "sqlite":
            return value
        return value.isoformat()

    def copy(self, table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
        """Raw rows (already in database form) into ``table``."""
        raw = self.connection.connection.dbapi_connection
        count = 0
        if self.dialect == "postgresql":
            with raw.cursor() as cursor:
                statement = f"COPY {table} ({', '.join(columns)}) FROM STDIN"
                with cursor.copy(statement) as copy:
                    for row in rows:
                        copy.write_row(row)
                        count += 1
        else:
            marks = ", ".join("?" for _ in columns)
            cursor = raw.cursor()

            def counted() -> Iterable[Sequence[Any]]:
                nonlocal count
                for row in rows:
                    count += 1
                    yield row

            cursor.executemany(
                f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})",  # noqa: S608
                counted(),
            )
            cursor.close()
        self.counts[table] = self.counts.get(table, 0) + count

    def insert(self, model: Any, rows: list[dict[str, Any]]) -> None:
        """Multi-row INSERTs through SQLAlchemy Core (Python defaults applied)."""
        from sqlalchemy import insert

        if rows:
            self.connection.execute(insert(model.__table__), rows)
        table = model.__tablename__
        self.counts[table] = self.counts.get(table, 0) + len(rows)

    def reset_sequences(self) -> None:
        from sqlalchemy import text

        if self.dialect != "postgresql":
            return
        for table in self.next_ids:
            self.connection.execute(
                text(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # noqa: S608
                    f"(SELECT coalesce(max(id), 1) FROM {table}))"
                )
            )


POSITIONS = ["support", "support_with_amendments", "neutral", "oppose", "no_position"]
POSITION_WEIGHTS = [4, 4, 2, 3, 1]
COMMENTS = [
    "We support the aim but funding must be multi-year.",
    "The timetable is too short for councils of our size.",
    "This matches what our residents have asked for.",
    "The proposals would add cost without new funding.",
    "We need more detail on funding before taking a view.",
    "Councils must keep the flexibility to design local services.",
    "Our cabinet has not yet agreed a position on this question.",
    "We welcome the direction and want to move quickly, with a fair settlement.",
]
TOPICS = [
    "adult social care funding",
    "local audit",
    "housing delivery",
    "devolution to strategic authorities",
    "planning reform",
    "children's services",
    "business rates",
    "the local government finance settlement",
    "homelessness prevention",
    "bus franchising",
    "council tax referendum limits",
    "special educational needs",
]
THEMES = [
    "funding",
    "timetable",
    "capacity",
    "flexibility",
    "residents' views",
    "new burdens",
    "devolution",
    "housing",
    "social care",
    "transition",
    "data and evidence",
    "accountability",
]
# The benched meeting's papers: a briefing and an annex for each item with
# papers, as long as a real pack's (pages each).
PACK_PAPER_PAGES = {"Briefing": 12, "Annex": 60}
PACK_KINDS = ("ministerial_session", "consultation", "discussion")
# Every other meeting's papers, by the kind of item: each a PDF of its own,
# a few thousand words long (paper_text.py), about 2,000 over ten years.
HISTORY_PAPERS = {
    "minutes": ("Draft minutes",),
    "ministerial_session": ("Briefing", "Annex", "Report", "Evidence"),
    "consultation": ("Briefing", "Annex", "Report", "Evidence"),
    "discussion": ("Briefing", "Annex", "Report", "Evidence"),
    "decision": ("Recommendation", "Annex"),
    "information": ("Update", "Data"),
}
PAPER_WORDS = (1_500, 5_000)
AUDIT_ACTIONS = [
    ("response_saved", "responses"),
    ("response_submitted", "responses"),
    ("response_ready", "responses"),
    ("response_amended", "responses"),
    ("attendance_replied", "attendance_replies"),
    ("agenda_item_added", "agenda_items"),
    ("paper_uploaded", "papers"),
    ("consultation_updated", "consultations"),
    ("user_signed_in", "users"),
    ("action_updated", "actions"),
]
ITEM_KINDS = [
    ("opening", "Welcome and apologies", 5),
    ("minutes", "Minutes of the last meeting", 5),
    ("ministerial_session", "Ministerial session", 30),
    ("consultation", "Consultation", 30),
    ("discussion", "Discussion", 25),
    ("decision", "Decision", 15),
    ("information", "Information", 10),
    ("any_other_business", "Any other business", 10),
]


def tiny_pdf(pages: int = 1, title: str = "Commission paper") -> bytes:
    """A small valid PDF of ``pages`` pages of the same lines of text (the
    benched meeting's pack papers; the history's papers are ``paper_text``'s)."""
    return paper_text.lines_pdf(
        [
            [f"{title}, page {n + 1}: paragraph {line} of the paper." for line in range(1, 41)]
            for n in range(pages)
        ],
        size=11,
        left=72,
        top=770,
    )


class Builder:
    def __init__(self, bulk: Bulk, scale: Scale, seed: int) -> None:
        self.bulk = bulk
        self.scale = scale
        self.random = random.Random(seed)  # noqa: S311  (a repeatable dataset)
        # The papers' words come from a generator of their own, so the rest of
        # the dataset is the same with or without them.
        self.words = random.Random(f"{seed}-papers")  # noqa: S311
        self.references: dict[int, int] = {}
        self.start = NOW - timedelta(days=365 * scale.years)
        self.file_texts: dict[str, str] = {}

    # -- reference data and people ------------------------------------------------

    def reference_data(self) -> None:
        from sqlalchemy import update

        from commission.membership.models import Membership, PoliticalControl
        from commission.seeding.reference import load_reference_data

        load_reference_data()
        # The seed data's members joined when the Commission was founded;
        # the bench's history is older, so they joined when it starts.
        history_start = self.start.date() - timedelta(days=30)
        from commission.extensions import db

        db.session.flush()
        db.session.execute(update(Membership).values(joined_on=history_start))
        earliest = {}
        for control in db.session.execute(
            PoliticalControl.__table__.select().order_by(PoliticalControl.effective_from)
        ).all():
            earliest.setdefault(control.authority_id, control.id)
        db.session.execute(
            update(PoliticalControl)
            .where(PoliticalControl.id.in_(list(earliest.values())))
            .values(effective_from=history_start)
        )
        db.session.flush()

    def members(self) -> list[Any]:
        from sqlalchemy import select

        from commission.extensions import db
        from commission.membership.models import Authority, Membership

        return list(
            db.session.execute(
                select(Authority.id, Authority.slug, Authority.mayoral, Authority.name)
                .join(Membership, Membership.authority_id == Authority.id)
                .where(Membership.left_on.is_(None))
                .order_by(Authority.id)
            ).all()
        )

    def people(self, members: list[Any], info: DatasetInfo) -> dict[str, int]:
        """The secretariat, the chair, a minister of the lead department, and a
        leader (or mayor) for every member authority. No passwords: the bench
        signs them in through its own loopback-only route."""
        from sqlalchemy import select

        from commission.auth.models import Appointment, User
        from commission.extensions import db
        from commission.membership.models import Department, MinisterialOffice

        department, office = db.session.execute(
            select(Department.id, MinisterialOffice.id)
            .join(MinisterialOffice, MinisterialOffice.department_id == Department.id)
            .order_by(Department.id, MinisterialOffice.rank, MinisterialOffice.id)
            .limit(1)
        ).one()
        self.department_id, self.office_id = department, office
        starts = self.start.date()
        people = [
            ("secretariat", "Sam Secretariat", "secretariat", None),
            ("chair", "Chris Chair", "chair", None),
            ("minister", "Morgan Minister", "minister", None),
        ] + [
            (
                f"leader-{m.slug}"[:60],
                f"Leader of {m.name}"[:200],
                "mayor" if m.mayoral else "leader",
                m,
            )
            for m in members
        ]
        user_ids = self.bulk.ids("users", len(people))
        self.bulk.insert(
            User,
            [
                {
                    "id": user_id,
                    "email": f"{local}@{BENCH_DOMAIN}",
                    "full_name": name,
                    "password_hash": None,
                    "active": True,
                    "session_token": f"{user_id:032d}",
                }
                for user_id, (local, name, _, _) in zip(user_ids, people, strict=True)
            ],
        )
        appointments = []
        for user_id, (_, _, role, member) in zip(user_ids, people, strict=True):
            appointments.append(
                {
                    "user_id": user_id,
                    "role": role,
                    "authority_id": member.id if member else None,
                    "authority_is_mayoral": member.mayoral if member else None,
                    "ministerial_office_id": office if role == "minister" else None,
                    "starts_on": starts,
                }
            )
        self.bulk.insert(Appointment, appointments)
        ids = {local: user_id for user_id, (local, _, _, _) in zip(user_ids, people, strict=True)}
        info.users = {
            "secretariat": f"secretariat@{BENCH_DOMAIN}",
            "chair": f"chair@{BENCH_DOMAIN}",
            "minister": f"minister@{BENCH_DOMAIN}",
            "leader": f"{people[3][0]}@{BENCH_DOMAIN}",
        }
        self.user_ids = list(user_ids)
        self.leader_for = {m.id: ids[f"leader-{m.slug}"[:60]] for m in members}
        return ids

    # -- consultations ----------------------------------------------------------

    def reference(self, year: int) -> str:
        self.references[year] = self.references.get(year, 0) + 1
        return f"LGC-{year}-{self.references[year]:03d}"

    def consultations(self, members: list[Any], controls: dict[int, str]) -> list[int]:
        """The history: each consultation answered by most members, every
        response with two revisions (saved, then submitted)."""
        from commission.consultations.models import Consultation, Question

        plan = []
        span = (NOW - timedelta(days=90) - self.start).total_seconds()
        for n in range(self.scale.consultations):
            opens = self.start + timedelta(seconds=span * n / self.scale.consultations)
            opens = opens.replace(hour=9, minute=0, second=0, microsecond=0)
            plan.append((opens, self.random.randint(10, 25)))
        consultation_ids = self.bulk.ids("consultations", len(plan))
        published = set(consultation_ids[:: max(1, len(plan) // 10)][:10])
        rows, questions = [], []
        question_ids = self.bulk.ids("questions", sum(q for _, q in plan))
        qi = iter(question_ids)
        per_consultation: dict[int, list[int]] = {}
        for consultation_id, (opens, count) in zip(consultation_ids, plan, strict=True):
            topic = self.random.choice(TOPICS)
            rows.append(
                {
                    "id": consultation_id,
                    "reference": self.reference(opens.year),
                    "title": f"Proposals on {topic} ({opens:%B %Y})",
                    "summary": f"The government's proposals on {topic}.",
                    "department_id": self.department_id,
                    "lead_office_id": self.office_id,
                    "stage": self.random.choice(["green_paper", "white_paper", "draft_bill"]),
                    "status": "closed",
                    "opens_at": opens,
                    "opened_at": opens,
                    "closes_at": opens + timedelta(weeks=self.random.randint(8, 12)),
                    "created_at": opens - timedelta(days=14),
                    "created_by_id": self.user_ids[0],
                }
            )
            ids = [next(qi) for _ in range(count)]
            per_consultation[consultation_id] = ids
            questions += [
                {
                    "id": question_id,
                    "consultation_id": consultation_id,
                    "position": p,
                    "kind": "position",
                    "text": f"Question {p} on {topic}: do you agree with proposal {p}?",
                    "required": True,
                }
                for p, question_id in enumerate(ids, start=1)
            ]
        self.bulk.insert(Consultation, rows)
        self.bulk.insert(Question, questions)
        for row in rows:
            chosen = self.random.sample(members, self.random.randint(270, len(members)))
            self.responses(row, per_consultation[row["id"]], chosen, controls)
        return sorted(published)

    def responses(
        self,
        consultation: dict[str, Any],
        question_ids: list[int],
        chosen: list[Any],
        controls: dict[int, str],
        *,
        comment_share: float = 0.15,
        draft_share: float = 0.05,
    ) -> list[int]:
        """Responses, answers and revisions for one consultation, in bulk;
        returns the ids of the submitted answers with a comment."""
        bulk, rnd = self.bulk, self.random
        response_ids = bulk.ids("responses", len(chosen))
        answer_ids = iter(bulk.ids("answers", len(chosen) * len(question_ids)))
        revision_ids = iter(bulk.ids("response_revisions", 2 * len(chosen)))
        window = (consultation["closes_at"] - consultation["opens_at"]).total_seconds()
        responses, answers, revisions = [], [], []
        commented: list[int] = []
        for response_id, member in zip(response_ids, chosen, strict=True):
            submitted = rnd.random() >= draft_share
            overall = rnd.choices(POSITIONS, POSITION_WEIGHTS)[0]
            saved_at = consultation["opens_at"] + timedelta(seconds=window * rnd.random() * 0.9)
            at = bulk.when(saved_at)
            leader = self.leader_for.get(member.id)
            responses.append(
                (
                    response_id,
                    consultation["id"],
                    member.id,
                    "submitted" if submitted else "draft",
                    "online",
                    overall,
                    None,
                    overall if submitted else None,
                    None,
                    at if submitted else None,
                    leader if submitted else None,
                    1 if submitted else 0,
                    controls.get(member.id) if submitted else None,
                    2 if submitted else 1,
                    at,
                    leader,
                )
            )
            positions = {}
            for question_id in question_ids:
                position = rnd.choices(POSITIONS, POSITION_WEIGHTS)[0]
                comment = rnd.choice(COMMENTS) if rnd.random() < comment_share else None
                positions[str(question_id)] = {"position": position, "comment": comment}
                answer_id = next(answer_ids)
                if comment is not None and submitted:
                    commented.append(answer_id)
                answers.append(
                    (
                        answer_id,
                        response_id,
                        question_id,
                        position,
                        comment,
                        position if submitted else None,
                        comment if submitted else None,
                    )
                )
            snapshot = {"status": "draft", "overall_position": overall, "overall_comment": None}
            revisions.append(
                (next(revision_ids), response_id, 1, "saved", at, leader, json.dumps(snapshot))
            )
            final = {**snapshot, "status": "submitted", "answers": positions}
            revisions.append(
                (next(revision_ids), response_id, 2, "submitted", at, leader, json.dumps(final))
            )
        bulk.copy("responses", RESPONSE_COLUMNS, responses)
        bulk.copy("answers", ANSWER_COLUMNS, answers)
        bulk.copy("response_revisions", REVISION_COLUMNS, revisions)
        return commented

    def targets(self, members: list[Any], controls: dict[int, str], info: DatasetInfo) -> list[int]:
        """Two consultations every current member answered (25 questions,
        comments on about a third of the answers, most tagged with themes):
        one to publish and one left live (closed, not published); and one
        with 150 responses (closed, not published). Returns the one to
        publish."""
        from commission.consultations.models import Consultation, Question

        year = NOW.year
        target_id, mid_id, live_id = self.bulk.ids("consultations", 3)
        opens = NOW - timedelta(days=70)
        rows = []
        for consultation_id, number, title in (
            (target_id, 901, "The English devolution settlement: every member's view"),
            (mid_id, 902, "Reform of local audit: a consultation with 150 responses"),
            (live_id, 903, "Council funding reform: every member's view, not yet published"),
        ):
            rows.append(
                {
                    "id": consultation_id,
                    "reference": f"LGC-{year}-{number}",
                    "title": title,
                    "summary": "A consultation the bench times at the Commission's real size.",
                    "department_id": self.department_id,
                    "lead_office_id": self.office_id,
                    "stage": "white_paper",
                    "status": "closed",
                    "opens_at": opens,
                    "opened_at": opens,
                    "closes_at": opens + timedelta(weeks=8),
                    "created_at": opens - timedelta(days=14),
                    "created_by_id": self.user_ids[0],
                }
            )
        self.bulk.insert(Consultation, rows)
        question_ids = list(self.bulk.ids("questions", 3 * TARGET_QUESTIONS))
        self.bulk.insert(
            Question,
            [
                {
                    "id": question_id,
                    "consultation_id": rows[n // TARGET_QUESTIONS]["id"],
                    "position": n % TARGET_QUESTIONS + 1,
                    "kind": "position",
                    "text": f"Do you agree with proposal {n % TARGET_QUESTIONS + 1}?",
                    "required": True,
                }
                for n, question_id in enumerate(question_ids)
            ],
        )
        commented = []
        for index in (0, 2):
            commented += self.responses(
                rows[index],
                question_ids[index * TARGET_QUESTIONS : (index + 1) * TARGET_QUESTIONS],
                members,
                controls,
                comment_share=0.3,
                draft_share=0,
            )
        chosen = self.random.sample(members, MID_RESPONSES)
        self.responses(
            rows[1],
            question_ids[TARGET_QUESTIONS : 2 * TARGET_QUESTIONS],
            chosen,
            controls,
            draft_share=0,
        )
        self.themes(commented)
        info.target_reference = rows[0]["reference"]
        info.mid_reference = rows[1]["reference"]
        info.live_reference = rows[2]["reference"]
        info.target_members = len(members)
        return [target_id]

    def themes(self, answer_ids: list[int]) -> None:
        """Themes on comments, as the secretariat tags them: about seven
        comments in ten get one theme, and one in five a second."""
        from commission.summaries.models import AnswerTag, Tag

        tag_ids = list(self.bulk.ids("tags", len(THEMES)))
        at = self.bulk.when(NOW - timedelta(days=5))
        self.bulk.insert(
            Tag,
            [
                {"id": tag_id, "name": name, "created_at": NOW - timedelta(days=30)}
                for tag_id, name in zip(tag_ids, THEMES, strict=True)
            ],
        )
        links = []
        for answer_id in answer_ids:
            if self.random.random() < 0.7:
                chosen = self.random.sample(tag_ids, 2 if self.random.random() < 0.2 else 1)
                links += [(answer_id, tag_id, self.user_ids[0], at) for tag_id in chosen]
        link_ids = self.bulk.ids("answer_tags", len(links))
        self.bulk.copy(
            AnswerTag.__tablename__,
            ("id", "answer_id", "tag_id", "tagged_by_id", "tagged_at"),
            [(link_id, *link) for link_id, link in zip(link_ids, links, strict=True)],
        )

    def snapshots(self, consultation_ids: list[int]) -> None:
        """Published summaries, made by the app's own service (as the
        secretariat publishing each once it has closed)."""
        from commission.auth.models import User
        from commission.consultations.models import Consultation
        from commission.extensions import db
        from commission.summaries.services import publish_summary

        secretariat = db.session.get(User, self.user_ids[0])
        for consultation_id in consultation_ids:
            consultation = db.session.get(Consultation, consultation_id)
            publish_summary(consultation=consultation, actor=secretariat)
        db.session.flush()
        self.bulk.counts["summary_snapshots"] = len(consultation_ids)

    # -- meetings and minutes ---------------------------------------------------

    def meetings(self, members: list[Any], consultations: list[int], info: DatasetInfo) -> None:
        from commission.meetings.models import AgendaItem, Meeting, Paper
        from commission.minutes.models import Action, Decision, MinuteItem, Minutes
        from commission.storage import storage
        from commission.timeutil import LONDON

        pack_papers = {
            suffix: storage().save(tiny_pdf(pages, f"{suffix} to the Commission"))
            for suffix, pages in PACK_PAPER_PAGES.items()
        }
        count = self.scale.meetings
        meeting_ids = self.bulk.ids("meetings", count)
        span_days = (NOW - self.start).days - 20
        meetings, items, papers, minutes, minute_items, decisions, actions = (
            [],
            [],
            [],
            [],
            [],
            [],
            [],
        )
        item_ids = iter(self.bulk.ids("agenda_items", count * len(ITEM_KINDS)))
        minutes_ids = iter(self.bulk.ids("minutes", count))
        secretariat = self.user_ids[0]
        for n, meeting_id in enumerate(meeting_ids):
            day = (self.start + timedelta(days=span_days * n // count + 10)).date()
            while day.weekday() != 1:  # Tuesdays
                day += timedelta(days=1)
            starts = datetime.combine(day, clock(10, 30), tzinfo=LONDON).astimezone(UTC)
            meetings.append(
                {
                    "id": meeting_id,
                    "slug": day.isoformat(),
                    "starts_at": starts,
                    "ends_at": starts + timedelta(hours=2, minutes=30),
                    "venue": "2 Marsham Street, London SW1P 4DF",
                    "status": "minutes_published",
                    "agenda_published_at": starts - timedelta(days=7),
                    "quorum_required": len(members) // 3 + 1,
                    "present_count": len(members) * 3 // 4,
                    "record_reference": f"LGC/{day:%Y}/{day:%m-%d}",
                    "created_at": starts - timedelta(days=60),
                    "created_by_id": secretariat,
                }
            )
            minutes_id = next(minutes_ids)
            minutes.append(
                {
                    "id": minutes_id,
                    "meeting_id": meeting_id,
                    "introduction": "The chair welcomed members.",
                    "approved_at": starts + timedelta(days=10),
                    "approved_by_id": self.user_ids[1],
                    "updated_at": starts + timedelta(days=9),
                    "updated_by_id": secretariat,
                }
            )
            number = 0
            for position, (kind, title, duration) in enumerate(ITEM_KINDS, start=1):
                item_id = next(item_ids)
                topic = self.random.choice(TOPICS)
                items.append(
                    {
                        "id": item_id,
                        "meeting_id": meeting_id,
                        "position": position,
                        "kind": kind,
                        "title": f"{title}: {topic}"
                        if kind not in {"opening", "minutes"}
                        else title,
                        "duration_minutes": duration,
                        "presenter": "The chair",
                        "description": f"Members discuss {topic}.",
                        "consultation_id": (
                            self.random.choice(consultations) if kind == "consultation" else None
                        ),
                    }
                )
                minute_items.append(
                    {
                        "minutes_id": minutes_id,
                        "agenda_item_id": item_id,
                        "discussion": f"Members discussed {topic} at length.",
                    }
                )
                # The benched (last) meeting's papers are a real pack's length;
                # every other paper is a PDF of its own words.
                benched = n == count - 1
                suffixes = (
                    (("Briefing", "Annex") if kind in PACK_KINDS else ())
                    if benched
                    else HISTORY_PAPERS.get(kind, ())
                )
                for title_suffix in suffixes:
                    paper_title = f"{title_suffix}: {topic}"
                    if benched:
                        file = pack_papers[title_suffix]
                    else:
                        file = self.paper_file(paper_title, topic)
                    papers.append(
                        {
                            "agenda_item_id": item_id,
                            "title": paper_title,
                            "filename": f"{title_suffix.lower().replace(' ', '-')}-{position}.pdf",
                            "content_type": "application/pdf",
                            "size": file.size,
                            "checksum": file.checksum,
                            "storage_key": file.key,
                            "public": True,
                            "uploaded_at": starts - timedelta(days=8),
                            "uploaded_by_id": secretariat,
                        }
                    )
                if kind in {"consultation", "decision", "discussion"}:
                    number += 1
                    decisions.append(
                        {
                            "meeting_id": meeting_id,
                            "number": number,
                            "agenda_item_id": item_id,
                            "text": f"The Commission agreed its position on {topic} and "
                            "asked the secretariat to write to the department on funding.",
                            "created_at": starts + timedelta(hours=2),
                        }
                    )
                    owner = self.random.choice(["authority", "department", "secretariat"])
                    actions.append(
                        {
                            "meeting_id": meeting_id,
                            "number": number,
                            "agenda_item_id": item_id,
                            "text": f"Report back on {topic}.",
                            "owner_kind": owner,
                            "owner_authority_id": (
                                self.random.choice(members).id if owner == "authority" else None
                            ),
                            "owner_department_id": (
                                self.department_id if owner == "department" else None
                            ),
                            "due_on": day + timedelta(days=60),
                            "status": "done" if n < count - 3 else "open",
                            "created_at": starts + timedelta(hours=2),
                            "created_by_id": secretariat,
                        }
                    )
        self.bulk.insert(Meeting, meetings)
        self.bulk.insert(AgendaItem, items)
        self.bulk.insert(Paper, papers)
        self.bulk.copy("search_file_texts", ("checksum", "text"), sorted(self.file_texts.items()))
        self.bulk.insert(Minutes, minutes)
        self.bulk.insert(MinuteItem, minute_items)
        self.bulk.insert(Decision, decisions)
        self.bulk.insert(Action, actions)
        info.meeting_slug = meetings[-1]["slug"]

    def paper_file(self, title: str, topic: str) -> Any:
        """A paper of a few thousand words on ``topic``, stored as a PDF like
        an upload; its text is kept as the app reads it back from the PDF
        (words separated by single spaces, the PDF font's curly apostrophe),
        so indexing it need not read the PDF again."""
        from commission.search.documents import clean
        from commission.storage import storage

        words = paper_text.paper_text(self.words, topic, self.words.randint(*PAPER_WORDS))
        stored = storage().save(paper_text.text_pdf(title, words))
        self.file_texts[stored.checksum] = clean(
            " ".join(f"{title} {words}".split()).replace("'", "\u2019")
        )
        return stored

    def audit(self) -> None:
        bulk, rnd = self.bulk, self.random
        count = self.scale.audit_events
        span = (NOW - self.start).total_seconds()
        ids = bulk.ids("audit_events", count)
        rows = []
        for n, event_id in enumerate(ids):
            action, subject = AUDIT_ACTIONS[rnd.randrange(len(AUDIT_ACTIONS))]
            at = self.start + timedelta(seconds=span * n / count + rnd.random())
            rows.append(
                (
                    event_id,
                    bulk.when(at),
                    rnd.choice(self.user_ids),
                    action,
                    subject,
                    rnd.randint(1, 100_000),
                    f"{action.replace('_', ' ').capitalize()} ({subject} record)",
                    "192.0.2.10",
                    "{}",
                )
            )
        bulk.copy("audit_events", AUDIT_COLUMNS, rows)


RESPONSE_COLUMNS = (
    "id",
    "consultation_id",
    "authority_id",
    "status",
    "channel",
    "overall_position",
    "overall_comment",
    "submitted_position",
    "submitted_comment",
    "submitted_at",
    "submitted_by_id",
    "submission_count",
    "control_at_submission",
    "version",
    "updated_at",
    "updated_by_id",
)
ANSWER_COLUMNS = (
    "id",
    "response_id",
    "question_id",
    "position",
    "comment",
    "submitted_position",
    "submitted_comment",
)
REVISION_COLUMNS = ("id", "response_id", "version", "action", "saved_at", "saved_by_id", "snapshot")
AUDIT_COLUMNS = (
    "id",
    "occurred_at",
    "actor_id",
    "action",
    "subject_type",
    "subject_id",
    "summary",
    "ip_address",
    "details",
)


def current_controls() -> dict[int, str]:
    """Each authority's control today, as responses record it."""
    from sqlalchemy import select

    from commission.extensions import db
    from commission.membership.models import PoliticalControl

    controls: dict[int, str] = {}
    for authority_id, control in db.session.execute(
        select(PoliticalControl.authority_id, PoliticalControl.control).order_by(
            PoliticalControl.effective_from
        )
    ).all():
        controls[authority_id] = str(control.value if hasattr(control, "value") else control)
    return controls


# -- building, reusing, describing --------------------------------------------


def scratch_folder() -> Path:
    """A temporary folder for this checkout's SQLite files and stored files
    (one per checkout, so two checkouts never share a schema)."""
    import hashlib

    import commission

    checkout = hashlib.sha256(str(Path(commission.__file__).parent).encode()).hexdigest()[:8]
    folder = Path(tempfile.gettempdir()) / f"commission-bench-{checkout}"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def sqlite_url(size: str, years: int) -> str:
    return f"sqlite:///{scratch_folder() / f'{size}-{years}y.sqlite3'}"


def storage_path() -> str:
    return str(scratch_folder() / "files")


def bench_app(url: str) -> Any:
    from commission import create_app

    return create_app(
        {
            "SQLALCHEMY_DATABASE_URI": url,
            "MAIL_BACKEND": "memory",
            "STORAGE_PATH": storage_path(),
            "LOG_LEVEL": "WARNING",
        }
    )


def read_marker(connection: Any) -> DatasetInfo | None:
    from sqlalchemy import inspect, text

    if not inspect(connection).has_table(MARKER_TABLE):
        return None
    row = connection.execute(text(f"SELECT info FROM {MARKER_TABLE}")).first()  # noqa: S608
    if row is None:
        return None
    recorded = json.loads(row[0])
    recorded.setdefault("generator", 0)
    return DatasetInfo(**recorded)


def write_marker(connection: Any, info: DatasetInfo) -> None:
    from sqlalchemy import text

    connection.execute(text(f"CREATE TABLE {MARKER_TABLE} (info TEXT NOT NULL)"))
    connection.execute(
        text(f"INSERT INTO {MARKER_TABLE} (info) VALUES (:info)"),  # noqa: S608
        {"info": json.dumps(asdict(info))},
    )


def wipe(url: str) -> None:
    """Start from an empty database."""
    from sqlalchemy import create_engine, text

    if url.startswith("sqlite"):
        Path(url.removeprefix("sqlite:///")).unlink(missing_ok=True)
        return
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()


def _migrated_by_another_version(url: str) -> bool:
    """True when the database was migrated to a revision this checkout does
    not have (a migration since renamed or removed): it cannot be upgraded,
    so it is built again."""
    from alembic.script import ScriptDirectory
    from sqlalchemy import create_engine, inspect, text

    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            if "alembic_version" not in inspect(connection).get_table_names():
                return False
            stored = connection.execute(text("SELECT version_num FROM alembic_version")).scalars()
            known = {
                script.revision
                for script in ScriptDirectory(str(ROOT / "migrations")).walk_revisions()
            }
            return any(revision not in known for revision in stored)
    finally:
        engine.dispose()


def build(
    url: str, *, size: str, years: int, seed: int = SEED, rebuild: bool = False
) -> DatasetInfo:
    """Migrate, then build (or reuse) the dataset; return what the driver needs."""
    import flask_migrate

    from commission.extensions import db
    from commission.search.index import paused, reindex_all
    from commission.summaries.tallies import recount

    scale = scale_for(size, years)
    if rebuild or _migrated_by_another_version(url):
        wipe(url)
    app = bench_app(url)
    with app.app_context():
        flask_migrate.upgrade()
        existing = read_marker(db.session.connection())
        db.session.rollback()
        wanted = (size, years, seed, GENERATOR)
        if existing is not None and wanted == (
            existing.size,
            existing.years,
            existing.seed,
            existing.generator,
        ):
            existing.reused = True
            db.engine.dispose()
            return existing
        if existing is not None or _has_rows(db):
            db.engine.dispose()
            wipe(url)
            app = bench_app(url)
            with app.app_context():
                flask_migrate.upgrade()
                db.engine.dispose()
    with app.app_context():
        started = time.perf_counter()
        info = DatasetInfo(size=size, years=years, seed=seed)
        info.dialect = db.engine.dialect.name
        connection = db.session.connection()
        bulk = Bulk(connection)
        builder = Builder(bulk, scale, seed)
        # The bulk inserts bypass the index; the few changes made through the
        # session (reference data, publishing) leave it alone too, and the
        # whole index is built once at the end, as ``flask search reindex`` does.
        with paused(db.session()):
            builder.reference_data()
            members = builder.members()
            builder.people(members, info)
            controls = current_controls()
            published = builder.consultations(members, controls)
            published += builder.targets(members, controls, info)
            builder.meetings(members, published, info)
            builder.audit()
            bulk.reset_sequences()
            # The summaries' figures, which the bulk inserts bypass too, are
            # counted once from the answers, as ``flask summaries recount``
            # does, before the snapshots are made from them.
            recount(connection)
            builder.snapshots(published)
        indexing = time.perf_counter()
        if info.dialect == "postgresql":
            # Statistics for the tables just loaded, so the index's reads of
            # a thousand responses at a time use their indexes.
            db.session.commit()
            analyse(db.engine)
        info.index_documents = reindex_all()
        info.index_seconds = round(time.perf_counter() - indexing, 1)
        bulk.counts["search_documents"] = info.index_documents
        info.authority_slug = members[0].slug
        info.build_seconds = round(time.perf_counter() - started, 1)
        info.counts = dict(sorted(bulk.counts.items()))
        write_marker(db.session.connection(), info)
        db.session.commit()
        if info.dialect == "postgresql":
            analyse(db.engine, vacuum=True)
        db.engine.dispose()
    return info


def analyse(engine: Any, *, vacuum: bool = False) -> None:
    """PostgreSQL's ANALYZE of every table, outside a transaction; with
    ``vacuum``, VACUUM (ANALYZE): the state autovacuum leaves a database in
    some minutes after rows are loaded, with every page of ten years' rows
    marked all-visible, so an index-only scan need not visit the table. A
    dataset measured straight after its bulk load would instead time the
    heap visits of rows a real database has long since vacuumed."""
    statement = "VACUUM (ANALYZE)" if vacuum else "ANALYZE"
    with engine.connect() as connection:
        connection.execution_options(isolation_level="AUTOCOMMIT").exec_driver_sql(statement)


def _has_rows(db: Any) -> bool:
    from sqlalchemy import select

    from commission.membership.models import Authority

    found = db.session.execute(select(Authority.id).limit(1)).first() is not None
    db.session.rollback()
    return found


def database_urls(size: str) -> dict[int, str]:
    """The ten-year and one-year databases: ``BENCH_DATABASE_URL`` and a
    sibling with ``_1y`` added to its name, or SQLite files in a temporary folder."""
    from commission.config import normalise_database_url

    url = os.environ.get("BENCH_DATABASE_URL", "")
    if not url:
        return {10: sqlite_url(size, 10), 1: sqlite_url(size, 1)}
    url = normalise_database_url(url)
    base, _, name = url.rpartition("/")
    return {10: url, 1: f"{base}/{name}_1y"}


def ensure_database(url: str) -> None:
    """Create a PostgreSQL database if it is missing (SQLite creates its own)."""
    from sqlalchemy import create_engine, text

    if url.startswith("sqlite"):
        return
    base, _, name = url.rpartition("/")
    engine = create_engine(f"{base}/postgres", isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        exists = connection.execute(
            text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": name}
        ).first()
        if not exists:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    engine.dispose()


def main() -> int:
    import argparse

    parser = argparse.ArgumentParser(
        description="Build the ten-year and one-year datasets (PostgreSQL with "
        "BENCH_DATABASE_URL, SQLite files otherwise; BENCH_SIZE=small for a few "
        "thousand rows), or reuse them if already built the same way."
    )
    parser.add_argument("--rebuild", action="store_true", help="build them again")
    rebuild = parser.parse_args().rebuild
    size = os.environ.get("BENCH_SIZE", "full")
    for years, url in database_urls(size).items():
        ensure_database(url)
        info = build(url, size=size, years=years, rebuild=rebuild)
        how = (
            "reused"
            if info.reused
            else f"built in {info.build_seconds:.1f} s "
            f"(of which the search index {info.index_seconds:.1f} s)"
        )
        print(f"{years}-year dataset ({size}, {info.dialect}) {how}")
        for table, count in info.counts.items():
            print(f"  {table:22} {count:>10,}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

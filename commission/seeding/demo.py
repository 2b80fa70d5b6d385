"""The demo scenario: fictional people in real offices, for trying the service.

Every demo person is invented (never the real holder of an office), has an
email address at ``demo.commission.example`` and is flagged ``is_demo`` so the
service marks them as demo people. Loading is idempotent.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from commission.auth.models import Appointment, DelegatedPower, Delegation, User
from commission.auth.passwords import hash_password
from commission.auth.roles import Role
from commission.consultations.models import (
    OTHER,
    Answer,
    Channel,
    Consultation,
    ConsultationStatus,
    LegislativeStage,
    Position,
    Question,
    QuestionKind,
    QuestionOption,
    QuestionSection,
    Response,
    ResponseRevision,
    ResponseStatus,
)
from commission.consultations.services import next_reference, snapshot
from commission.extensions import db
from commission.meetings import services as meetings
from commission.meetings.models import AgendaItem, AgendaItemKind, Meeting, MeetingStatus
from commission.membership.models import (
    COUNCIL_KINDS,
    Authority,
    Department,
    MinisterialOffice,
    PoliticalControl,
)
from commission.timeutil import london, london_date, next_working_day, now_utc, nth_weekday, today

DEMO_DOMAIN = "demo.commission.example"
DEMO_PASSWORD = "demo-commission-password-2026"  # noqa: S105  (fictional demo accounts only)
DEMO_START = date(2026, 5, 11)

FIRST_NAMES = [
    "Aisha",
    "Ben",
    "Catrin",
    "Dev",
    "Eleanor",
    "Farid",
    "Grace",
    "Hamza",
    "Imogen",
    "Jonah",
    "Kiran",
    "Lena",
    "Marcus",
    "Nadia",
    "Owen",
    "Parveen",
    "Quentin",
    "Rosa",
    "Samir",
    "Tessa",
    "Umar",
    "Verity",
    "Wes",
    "Yasmin",
    "Zach",
    "Bronwen",
    "Cormac",
    "Delyth",
    "Emeka",
    "Fern",
    "Gideon",
    "Hollie",
    "Idris",
    "Jodie",
    "Kwame",
    "Lowri",
    "Magnus",
    "Niamh",
    "Orla",
    "Piers",
]
SURNAMES = [
    "Ashdown",
    "Brightwell",
    "Carrow",
    "Dunmore",
    "Eastleigh",
    "Fairbairn",
    "Gorringe",
    "Hallam",
    "Inchbald",
    "Jessop",
    "Kettering",
    "Lindqvist",
    "Mabey",
    "Nettleton",
    "Orchard",
    "Pennock",
    "Quarrie",
    "Rudge",
    "Stannard",
    "Threlfall",
    "Upcott",
    "Varley",
    "Wetherell",
    "Yardley",
    "Ackroyd",
    "Bexley-Hart",
    "Colquhoun",
    "Dimmock",
    "Enright",
    "Fothergill",
]

# (email local part, full name, role, department short name, office title)
NAMED_PEOPLE: list[tuple[str, str, Role, str | None, str | None]] = [
    ("secretariat", "Priya Natarajan", Role.SECRETARIAT, None, None),
    ("secretariat2", "Dominic Fairlie", Role.SECRETARIAT, None, None),
    ("chair", "Gareth Holloway", Role.CHAIR, None, None),
    ("minister", "Helen Okafor", Role.MINISTER, "DfE", "Secretary of State for Education"),
    ("minister.care", "Rhiannon Castell", Role.MINISTER, "DHSC", "Minister for Care"),
    (
        "minister.health",
        "Oliver Strachan",
        Role.MINISTER,
        "DHSC",
        "Secretary of State for Health and Social Care",
    ),
    ("minister.treasury", "Sunita Varma", Role.MINISTER, "HMT", "Chief Secretary to the Treasury"),
    (
        "minister.transport",
        "Matthew Kellaway",
        Role.MINISTER,
        "DfT",
        "Secretary of State for Transport",
    ),
    (
        "minister.localgov",
        "Joy Adebayo",
        Role.MINISTER,
        "MHCLG",
        "Minister for Local Government and Homelessness",
    ),
]
CHAIR_OFFICE = ("MHCLG", "Secretary of State for Housing, Communities and Local Government")

# The named leader, deputy and officer share one council, so the team pages
# have something to show; the named mayor leads Greater Manchester.
TEAM_COUNCIL = "Leeds City Council"
NAMED_MAYORALTY = "Greater Manchester Combined Authority"
MAYORALTIES = [
    NAMED_MAYORALTY,
    "Greater London Authority",
    "West Midlands Combined Authority",
    "Liverpool City Region Combined Authority",
    "North East Combined Authority",
    "West Yorkshire Combined Authority",
]
LEADER_COUNT = 36


@dataclass
class DemoReport:
    created: int = 0
    existing: int = 0


class DemoLoader:
    def __init__(self) -> None:
        self.random = random.Random(2026)  # noqa: S311  (repeatable demo names)
        self.used_names: set[str] = set()
        self.report = DemoReport()
        self.password_hash = hash_password(DEMO_PASSWORD)
        self.users = {
            u.email: u
            for u in db.session.execute(
                select(User).options(selectinload(User.appointments))
            ).scalars()
        }
        self.used_names.update(u.full_name for u in self.users.values())

    def invented_name(self) -> str:
        while True:
            name = f"{self.random.choice(FIRST_NAMES)} {self.random.choice(SURNAMES)}"
            if name not in self.used_names:
                self.used_names.add(name)
                return name

    def person(self, local: str, full_name: str | None = None) -> tuple[User, bool]:
        email = f"{local}@{DEMO_DOMAIN}"
        user = self.users.get(email)
        if user is not None:
            self.report.existing += 1
            return user, False
        user = User(
            email=email,
            full_name=full_name or self.invented_name(),
            password_hash=self.password_hash,
            is_demo=True,
        )
        self.used_names.add(user.full_name)
        db.session.add(user)
        self.users[email] = user
        self.report.created += 1
        return user, True

    def appoint(
        self,
        user: User,
        role: Role,
        *,
        authority: Authority | None = None,
        office: MinisterialOffice | None = None,
    ) -> Appointment:
        appointment = Appointment(
            user=user, role=role, starts_on=DEMO_START, ministerial_office=office
        )
        appointment.set_authority(authority)
        db.session.add(appointment)
        return appointment


KEEN = frozenset({Position.SUPPORT, Position.SUPPORT_WITH_AMENDMENTS})


def _ask_every_kind(consultation: Consultation) -> None:
    """The English Deal's questions of every other kind, after its first
    three, with the questions in two sections: a demonstration of each kind
    and its summary."""
    powers = QuestionSection(
        position=1,
        title="Powers and funding",
        introduction="The default powers every strategic authority would hold, and how "
        "established mayoral authorities would be funded.",
    )
    needs = QuestionSection(
        position=2,
        title="Your council's needs",
        introduction="What your council would choose, need and put first.",
    )
    consultation.sections.extend([powers, needs])
    for question in consultation.questions:
        question.section = powers
    asked: list[tuple[QuestionKind, str, dict[str, Any]]] = [
        (
            QuestionKind.SINGLE_CHOICE,
            "Which body should hold an integrated settlement?",
            {
                "options": [
                    "The mayoral strategic authority",
                    "Its constituent councils jointly",
                    "Each council separately",
                ],
                "allow_other": True,
            },
        ),
        (
            QuestionKind.MULTIPLE_CHOICE,
            "Which default powers matter most to your area?",
            {
                "options": [
                    "Transport",
                    "Adult skills",
                    "Housing and planning",
                    "Employment support",
                    "Public health",
                ],
                "max_choices": 3,
            },
        ),
        (QuestionKind.YES_NO, "Would your council join a strategic authority if offered?", {}),
        (
            QuestionKind.NUMBER,
            "How many staff would your council transfer to a strategic authority?",
            {"unit": "full-time staff", "min_value": 0, "max_value": 2000},
        ),
        (
            QuestionKind.RANKING,
            "Rank these priorities for the first year",
            {"options": ["Transport", "Skills", "Housing"]},
        ),
        (
            QuestionKind.SHORT_TEXT,
            "Who leads devolution for your council?",
            {"required": False},
        ),
    ]
    for kind, text, settings in asked:
        labels = settings.pop("options", [])
        question = Question(
            position=len(consultation.questions) + 1,
            kind=kind,
            text=text,
            required=settings.pop("required", True),
            section=needs,
            **settings,
        )
        question.options = [
            QuestionOption(position=place, label=label)
            for place, label in enumerate(labels, start=1)
        ]
        consultation.questions.append(question)
    db.session.flush()


DEMO_LEADS = ["Director of Place", "Chief Executive", "Director of Economy", "Leader's office"]


def _kind_answer(
    question: Question, rng: random.Random, *, keen: bool, people: Authority
) -> Answer | None:
    """A demo council's signed-off answer to a question of one of the other
    kinds (keener councils lean to the mayoral options), or None for an
    optional question left unanswered."""
    answer = Answer(question_id=question.id)
    options = [o.id for o in question.options]
    kind = question.kind
    if kind is QuestionKind.SINGLE_CHOICE:
        weights = [6, 3, 1] if keen else [1, 3, 5]
        if rng.random() < 0.08:
            answer.choice, answer.text = OTHER, "A county-wide partnership board"
        else:
            answer.choice = str(rng.choices(options, weights=weights)[0])
    elif kind is QuestionKind.MULTIPLE_CHOICE:
        answer.choices = sorted(rng.sample(options, rng.randint(1, question.max_choices or 1)))
    elif kind is QuestionKind.YES_NO:
        weights = [7, 1, 2] if keen else [2, 5, 3]
        answer.choice = rng.choices(["yes", "no", "dont_know"], weights=weights)[0]
    elif kind is QuestionKind.NUMBER:
        scale = max(people.population or 0, 50_000) / 10_000
        answer.number = float(min(2000, round(scale * rng.uniform(0.5, 2.0))))
    elif kind is QuestionKind.RANKING:
        answer.ranking = rng.sample(options, len(options))
    elif kind is QuestionKind.SHORT_TEXT:
        if rng.random() < 0.4:
            return None
        answer.comment = rng.choice(DEMO_LEADS)
    answer.sign_off()
    return answer


def _office(department: str, title: str) -> MinisterialOffice:
    office = db.session.execute(
        select(MinisterialOffice)
        .join(Department)
        .where(Department.short_name == department, MinisterialOffice.title == title)
    ).scalar_one_or_none()
    if office is None:
        raise LookupError(f"Ministerial office not found: {title} ({department}). Run flask seed")
    return office


def _authority(name: str) -> Authority:
    authority = db.session.execute(
        select(Authority).where(Authority.name == name)
    ).scalar_one_or_none()
    if authority is None:
        raise LookupError(f"Authority not found: {name}. Run flask seed")
    return authority


def choose_councils(councils: list[Authority], count: int, on: date) -> list[Authority]:
    """Councils whose leaders the demo invents: every type, region and party
    represented, then the largest of the rest, in a fixed order."""
    chosen: list[Authority] = []
    ordered = sorted(councils, key=lambda c: (-(c.population or 0), c.name))

    def label(council: Authority) -> str:
        control = council.control_on(on)
        return control.label if control else ""

    for key in (lambda c: c.kind, lambda c: c.region, label):
        seen = {key(c) for c in chosen}
        for council in ordered:
            if key(council) not in seen:
                chosen.append(council)
                seen.add(key(council))
    for council in ordered:
        if len(chosen) >= count:
            break
        if council not in chosen:
            chosen.append(council)
    return chosen


def load_demo() -> DemoReport:
    loader = DemoLoader()
    on = today()

    for local, full_name, role, department, title in NAMED_PEOPLE:
        user, created = loader.person(local, full_name)
        if created:
            office = _office(department, title) if department and title else None
            loader.appoint(user, role, office=office)
            if role is Role.CHAIR:
                loader.appoint(user, Role.MINISTER, office=_office(*CHAIR_OFFICE))

    team_council = _authority(TEAM_COUNCIL)
    councils = list(
        db.session.execute(
            select(Authority)
            .where(Authority.kind.in_(COUNCIL_KINDS))
            .options(selectinload(Authority.controls))
        ).scalars()
    )
    chosen = choose_councils([c for c in councils if c.id != team_council.id], LEADER_COUNT - 1, on)

    leader, created = loader.person("leader", "Tom Ashworth")
    if created:
        loader.appoint(leader, Role.LEADER, authority=team_council)
    deputy, created = loader.person("deputy", "Callum Reid")
    if created:
        appointment = loader.appoint(deputy, Role.DEPUTY, authority=team_council)
        for power in DelegatedPower:
            appointment.delegations.append(Delegation(power=power, starts_on=DEMO_START))
    officer, created = loader.person("officer", "Joanna Pike")
    if created:
        loader.appoint(officer, Role.OFFICER, authority=team_council)

    for council in chosen:
        user, created = loader.person(f"leader.{council.slug}")
        if created:
            loader.appoint(user, Role.LEADER, authority=council)
    for council in chosen[:8]:
        user, created = loader.person(f"officer.{council.slug}")
        if created:
            loader.appoint(user, Role.OFFICER, authority=council)
    for council in chosen[:4]:
        user, created = loader.person(f"deputy.{council.slug}")
        if created:
            appointment = loader.appoint(user, Role.DEPUTY, authority=council)
            appointment.delegations.append(
                Delegation(
                    power=DelegatedPower.ATTEND,
                    starts_on=DEMO_START,
                    ends_on=on + timedelta(days=180),
                )
            )

    for name in MAYORALTIES:
        authority = _authority(name)
        local = "mayor" if name == NAMED_MAYORALTY else f"mayor.{authority.slug}"
        user, created = loader.person(local, "Amira Sheikh" if local == "mayor" else None)
        if created:
            loader.appoint(user, Role.MAYOR, authority=authority)

    db.session.flush()
    load_demo_meetings(secretariat=loader.users[f"secretariat@{DEMO_DOMAIN}"])
    load_demo_consultations(secretariat=loader.users[f"secretariat@{DEMO_DOMAIN}"])
    return loader.report


DEMO_AGENDA = [
    ("opening", "Welcome and apologies", 10, "Chair of the Commission", ""),
    ("minutes", "Minutes of the last meeting", 5, "Commission secretariat", ""),
    (
        "ministerial_session",
        "Reviving Sure Start: family hubs in every area",
        45,
        "Secretary of State for Education",
        "An illustration drawn from published policy ideas, not a real government "
        "proposal.\n\nThe Secretary of State sets out early thinking on family hubs and "
        "asks councils:\n\n- how services should be commissioned locally\n"
        "- what funding certainty councils need",
    ),
    (
        "discussion",
        "Health and social care integration: place-based budgets",
        40,
        "Minister for Care",
        "An illustration drawn from published policy ideas. Discussion of pooled budgets "
        "between councils and the NHS.",
    ),
    ("any_other_business", "Any other business", 10, "Chair of the Commission", ""),
]


def load_demo_meetings(*, secretariat: User) -> None:
    """A year of monthly meetings from next month (second Tuesday, 10:30am to
    1pm, none in August), the first with a published agenda. Only when there
    are no meetings yet."""
    if db.session.execute(select(Meeting.id).limit(1)).first() is not None:
        return
    start = today().replace(day=1) + timedelta(days=32)
    planned = []
    for offset in range(12):
        year = start.year + (start.month - 1 + offset) // 12
        month = (start.month - 1 + offset) % 12 + 1
        if month == 8:
            continue
        wanted = nth_weekday(year, month, 2, 1)
        day, _ = next_working_day(wanted)
        planned.append(day)
    created = []
    for day in planned:
        meeting = Meeting(
            slug=meetings.allocate_slug(day),
            starts_at=london(day, time(10, 30)),
            ends_at=london(day, time(13, 0)),
            venue="2 Marsham Street, London SW1P 4DF",
            status=MeetingStatus.SCHEDULED,
            created_by_id=secretariat.id,
        )
        db.session.add(meeting)
        created.append(meeting)
    db.session.flush()
    first = created[0]
    for kind, title, minutes, presenter, description in DEMO_AGENDA:
        meetings.add_item(
            meeting=first,
            details=meetings.ItemDetails(
                kind=AgendaItemKind(kind),
                title=title,
                duration_minutes=minutes,
                presenter=presenter,
                description=description,
            ),
            actor=secretariat,
        )
    meetings.publish_agenda(meeting=first, actor=secretariat)


DEMO_NOTE = (
    "This is an illustration drawn from published policy ideas, made for trying the "
    "service. It is not a real government consultation."
)

COMMENTS = {
    "support": [
        "We welcome the direction and want to move quickly.",
        "This matches what our residents have asked for.",
        "We support this and can start delivery within the year.",
    ],
    "support_with_amendments": [
        "We support the aim but funding must be multi-year.",
        "Support, provided councils keep the flexibility to design local services.",
        "The timetable is too short for councils of our size.",
    ],
    "neutral": [
        "We need more detail on funding before taking a view.",
        "The impact on our area is unclear from the proposals.",
    ],
    "oppose": [
        "This takes decisions further away from residents.",
        "The proposals would add cost without new funding.",
        "We oppose reorganisation being tied to new powers.",
    ],
    "no_position": ["Our cabinet has not yet agreed a position."],
}

# How inclined each kind of council is to each position on devolution to
# strategic authorities: a plausible spread, not a prediction.
LEAN_BY_CONTROL = {
    "labour": [5, 3, 1, 1, 0],
    "liberal_democrats": [2, 5, 2, 1, 0],
    "conservative": [1, 2, 2, 4, 1],
    "reform_uk": [0, 1, 1, 6, 1],
    "green": [2, 4, 2, 2, 0],
    "independent": [1, 2, 3, 3, 1],
    "no_overall_control": [2, 3, 3, 2, 1],
}


# Where devolution deals are long established (the north and the West Midlands)
# councils lean towards it; shire areas in the south and east, where it would
# come with reorganisation, lean against. Added to the lean by party control.
LEAN_BY_REGION = {
    "North East": [2, 1, 0, 0, 0],
    "North West": [2, 1, 0, 0, 0],
    "Yorkshire and The Humber": [2, 1, 0, 0, 0],
    "West Midlands": [1, 1, 0, 0, 0],
    "East of England": [0, 0, 1, 2, 0],
    "South East": [0, 0, 1, 2, 0],
    "South West": [0, 0, 1, 2, 0],
}


def load_demo_consultations(*, secretariat: User) -> None:
    """Three consultations drawn from published policy ideas: one open (the
    Sure Start revival), one closed with about 150 responses (the English Deal),
    one in draft (adult social care and health). Only when there are none yet."""
    if db.session.execute(select(Consultation.id).limit(1)).first() is not None:
        return
    now = now_utc()
    rng = random.Random(1997)  # noqa: S311  (repeatable demo positions)
    # The other kinds' answers draw from their own sequence, so the positions
    # stay what they were before those kinds were asked.
    kinds_rng = random.Random(2027)  # noqa: S311
    english_deal = _english_deal(secretariat, now)
    _ask_every_kind(english_deal)
    _respond_to_english_deal(english_deal, rng, kinds_rng, now)
    _sure_start(secretariat, now)
    _care_integration(secretariat, now)
    db.session.flush()


def _demo_consultation(
    secretariat: User,
    department: str,
    office: str,
    questions: list[tuple[QuestionKind, str, str]],
    **fields: Any,
) -> Consultation:
    """A demo consultation led by ``office``, with its questions."""
    consultation = Consultation(
        reference=next_reference(fields["opens_at"].year),
        department=_office(department, office).department,
        lead_office=_office(department, office),
        is_demo=True,
        created_by_id=secretariat.id,
        **fields,
    )
    db.session.add(consultation)
    db.session.flush()
    for position, (kind, text, hint) in enumerate(questions, start=1):
        consultation.questions.append(
            Question(position=position, kind=kind, text=text, hint=hint, required=True)
        )
    db.session.flush()
    return consultation


def _english_deal(secretariat: User, now: datetime) -> Consultation:
    """Closed a month ago (stored as open: its closing time has passed)."""
    return _demo_consultation(
        secretariat,
        "MHCLG",
        "Secretary of State for Housing, Communities and Local Government",
        [
            (
                QuestionKind.POSITION,
                "Should every strategic authority receive the same default powers?",
                "Think about transport, skills, housing and economic development.",
            ),
            (
                QuestionKind.POSITION,
                "Should established mayoral authorities receive an integrated "
                "settlement in place of separate funding pots?",
                "",
            ),
            (QuestionKind.FREE_TEXT, "What would make devolution work in your area?", ""),
        ],
        title="The English Deal: devolution to strategic authorities",
        summary=f"{DEMO_NOTE}\nGovernment proposes a default set of powers for every "
        "strategic authority, an integrated settlement for established mayoral authorities, "
        "and a route for councils not yet covered to join one.",
        stage=LegislativeStage.WHITE_PAPER,
        status=ConsultationStatus.OPEN,
        opens_at=now - timedelta(days=90),
        closes_at=now - timedelta(days=30),
        opened_at=now - timedelta(days=90),
    )


def _lean(authority: Authority, control: PoliticalControl | None) -> list[int]:
    """How inclined the authority is to each position, by its party control,
    its region, its kind and whether it has a mayor."""
    lean = LEAN_BY_CONTROL.get(control.control.value if control else "", [2, 2, 2, 2, 1])
    region = LEAN_BY_REGION.get(authority.region.value, [0, 0, 0, 0, 0])
    lean = [a + b for a, b in zip(lean, region, strict=True)]
    if authority.kind.value == "district":
        lean = [lean[0], lean[1], lean[2], lean[3] + 3, lean[4]]
    if authority.mayoral:
        lean = [lean[0] + 6, lean[1] + 2, 0, 0, 0]
    return lean


def _respond_to_english_deal(
    consultation: Consultation, rng: random.Random, kinds_rng: random.Random, now: datetime
) -> None:
    """150 member authorities' submitted responses, each position drawn by
    the authority's lean."""
    members = list(
        db.session.execute(
            select(Authority)
            .options(selectinload(Authority.controls), selectinload(Authority.memberships))
            .order_by(Authority.name)
        ).scalars()
    )
    responding_day = london_date(now - timedelta(days=45))
    members = [a for a in members if a.membership_on(responding_day)]
    rng.shuffle(members)
    for authority in sorted(members[:150], key=lambda a: a.name):
        _demo_response(consultation, authority, rng, kinds_rng, now, responding_day)


def _demo_response(
    consultation: Consultation,
    authority: Authority,
    rng: random.Random,
    kinds_rng: random.Random,
    now: datetime,
    responding_day: date,
) -> None:
    positions = list(Position)
    control = authority.control_on(responding_day)
    lean = _lean(authority, control)
    overall = rng.choices(positions, weights=lean)[0]
    submitted_at = now - timedelta(days=rng.randint(31, 80), hours=rng.randint(0, 9))
    response = Response(
        consultation_id=consultation.id,
        authority_id=authority.id,
        status=ResponseStatus.SUBMITTED,
        channel=Channel.ONLINE,
        overall_position=overall,
        overall_comment=rng.choice(COMMENTS[overall.value]),
        submitted_at=submitted_at,
        updated_at=submitted_at,
        submission_count=1,
        control_at_submission=control.control.value if control else None,
    )
    response.submitted_position = response.overall_position
    response.submitted_comment = response.overall_comment
    for question in consultation.questions:
        if question.kind is QuestionKind.POSITION:
            chosen = overall if rng.random() < 0.7 else rng.choices(positions, weights=lean)[0]
            comment = rng.choice(COMMENTS[chosen.value]) if rng.random() < 0.5 else None
            answer = Answer(
                question_id=question.id,
                position=chosen,
                comment=comment,
                submitted_position=chosen,
                submitted_comment=comment,
            )
        elif question.kind is QuestionKind.FREE_TEXT:
            text = rng.choice(COMMENTS[overall.value])
            answer = Answer(question_id=question.id, comment=text, submitted_comment=text)
        else:
            given = _kind_answer(question, kinds_rng, keen=overall in KEEN, people=authority)
            if given is None:
                continue
            answer = given
        response.answers.append(answer)
    db.session.add(response)
    db.session.flush()
    response.revisions.append(
        ResponseRevision(
            version=response.version,
            action="submitted",
            saved_at=response.submitted_at,
            snapshot=snapshot(response),
        )
    )


def _sure_start(secretariat: User, now: datetime) -> None:
    """Open for another five weeks, and on the next meeting's agenda."""
    opened = _demo_consultation(
        secretariat,
        "DfE",
        "Secretary of State for Education",
        [
            (
                QuestionKind.POSITION,
                "Should upper-tier councils lead the delivery of family hubs?",
                "Say whether district councils and the NHS should share the lead.",
            ),
            (QuestionKind.POSITION, "Is £500 million over three years enough to start?", ""),
            (
                QuestionKind.FREE_TEXT,
                "What would you need in place to open hubs within a year?",
                "",
            ),
        ],
        title="Delivering the Sure Start revival through councils",
        summary=f"{DEMO_NOTE}\nGovernment proposes £500 million over three years for family "
        "hubs run or commissioned by upper-tier councils, building on Sure Start children's "
        "centres, and asks how councils would deliver them.",
        stage=LegislativeStage.POLICY_DEVELOPMENT,
        status=ConsultationStatus.OPEN,
        opens_at=now - timedelta(days=7),
        closes_at=now + timedelta(days=35),
        opened_at=now - timedelta(days=7),
    )
    item = db.session.execute(
        select(AgendaItem).where(AgendaItem.title.like("Reviving Sure Start%")).limit(1)
    ).scalar_one_or_none()
    if item is not None:
        item.consultation_id = opened.id


def _care_integration(secretariat: User, now: datetime) -> None:
    """A draft, opening in a fortnight, its first section still being written."""
    care = _demo_consultation(
        secretariat,
        "DHSC",
        "Minister for Care",
        [],
        title="Integrating adult social care with health and wellbeing boards",
        summary=f"{DEMO_NOTE}\nGovernment is considering pooled budgets between councils and "
        "the NHS, overseen by health and wellbeing boards.",
        stage=LegislativeStage.GREEN_PAPER,
        status=ConsultationStatus.DRAFT,
        opens_at=now + timedelta(days=14),
        closes_at=now + timedelta(days=70),
    )
    care.sections.append(
        QuestionSection(
            position=1,
            title="Pooled budgets",
            introduction="How councils and the NHS would pool and oversee budgets.",
        )
    )

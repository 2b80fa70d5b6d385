"""Search never shows anyone what they could not open.

Words are planted in every kind of private record (a draft meeting, an agenda
not yet published, a confidential item, a restricted paper, draft minutes and
their decisions, confidential discussions, decisions and actions, a draft
consultation and its document, a council's draft response, comments before the
summary is published, an unpublished government reply, a leader not yet in
office) and in a few public ones. As every kind of person, each word is
searched for, and each record's pages are opened: a word is found exactly when
one of its pages shows it to that person, and every result found opens.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import pytest
from flask.testing import FlaskClient

from commission.auth.roles import Role
from commission.consultations.models import ConsultationDocument, ConsultationStatus
from commission.extensions import db
from commission.meetings.models import MeetingStatus
from commission.storage import storage
from commission.summaries.models import GovernmentReply
from commission.timeutil import today
from tests import factories
from tests.pages import sign_in, sign_out
from tests.search_helpers import hits, pdf_with


@dataclass(frozen=True)
class Planted:
    word: str
    urls: tuple[str, ...]
    download: bool = False


def _paper_url(paper) -> str:
    return f"/papers/{paper.id}/{paper.filename}"


def _document(consultation, data: bytes) -> ConsultationDocument:
    stored = storage().save(data)
    document = ConsultationDocument(
        consultation=consultation,
        title="Annex",
        filename="annex.docx",
        content_type=factories.DOCX_TYPE,
        size=stored.size,
        checksum=stored.checksum,
        storage_key=stored.key,
    )
    db.session.add(document)
    db.session.flush()
    return document


def _comment(response, text: str) -> None:
    """The comment on the response's free-text question, as drafted and signed off."""
    answer = response.answers[-1]
    answer.comment = answer.submitted_comment = text
    db.session.flush()


@pytest.fixture
def corpus(app_ctx):
    """Private and public records, each with a word of its own, and the people."""
    planted: dict[str, Planted] = {}

    def plant(name: str, *urls: str, download: bool = False) -> None:
        planted[name] = Planted(name, urls, download)

    draft = factories.meeting(status=MeetingStatus.DRAFT, venue="Room xyloalpha")
    plant("xyloalpha", f"/meetings/{draft.slug}")

    scheduled = factories.meeting(status=MeetingStatus.SCHEDULED)
    factories.agenda_item(meeting=scheduled, title="Unpublished xylobravo item")
    plant("xylobravo", f"/meetings/{scheduled.slug}")

    published = factories.meeting(published=True)
    factories.agenda_item(meeting=published, title="Secret xylocharlie", confidential=True)
    public_item = factories.agenda_item(meeting=published, title="Open item")
    restricted = factories.paper(
        item=public_item, public=False, data=pdf_with("Restricted xylodelta briefing")
    )
    plant("xylodelta", _paper_url(restricted), download=True)
    open_paper = factories.paper(
        item=public_item,
        data=pdf_with("Public xyloecho funding"),
        filename="open.pdf",
        title="Open paper",
    )
    plant("xyloecho", _paper_url(open_paper), download=True)
    plant("xylocharlie", f"/meetings/{published.slug}")

    held = factories.held_meeting(day=today() - timedelta(days=20))
    factories.draft_minutes(meeting=held, introduction="Draft xylofoxtrot introduction")
    factories.decision(meeting=held, text="Agreed xylogolf in draft")
    plant("xylofoxtrot", f"/meetings/{held.slug}/minutes")
    plant("xylogolf", f"/meetings/{held.slug}/minutes")

    approved = factories.held_meeting(day=today() - timedelta(days=40))
    secret_item = factories.agenda_item(meeting=approved, title="Closed", confidential=True)
    factories.published_minutes(
        meeting=approved, discussions={secret_item: "Talked about xylohotel"}
    )
    factories.decision(meeting=approved, text="Agreed xyloindia", item=secret_item)
    secret_action = factories.owned_action(meeting=approved, text="Do xylojuliet", item=secret_item)
    open_action = factories.owned_action(meeting=approved, text="Do xylokilo")
    plant("xylohotel", f"/meetings/{approved.slug}/minutes")
    plant("xyloindia", f"/meetings/{approved.slug}/minutes")
    plant("xylojuliet", f"/actions/{secret_action.id}")
    plant("xylokilo", f"/actions/{open_action.id}")

    draft_consultation = factories.consultation(status=ConsultationStatus.DRAFT)
    draft_consultation.summary = "A xylolima proposal"
    document = _document(draft_consultation, factories.docx_bytes("The xylomike annex"))
    plant("xylolima", f"/consultations/{draft_consultation.reference}")
    plant(
        "xylomike",
        f"/consultations/documents/{document.id}/{document.filename}",
        download=True,
    )

    department = factories.department()
    lead_office = factories.ministerial_office(department=department, title="Lead office")
    other_office = factories.ministerial_office(department=department, title="Other office")
    consultation = factories.consultation(department=department)
    consultation.lead_office_id = lead_office.id
    ours = factories.council(name="Oursshire")
    theirs = factories.council(name="Theirsshire")
    factories.draft_response(
        consultation=consultation, authority=ours, comment="Draft xylonovember view"
    )
    plant("xylonovember", f"/consultations/{consultation.reference}/responses/{ours.slug}")
    submitted = factories.submitted_response(consultation=consultation, authority=theirs)
    _comment(submitted, "Signed off xylooscar view")
    plant(
        "xylooscar",
        f"/consultations/{consultation.reference}/summary/comments",
        f"/consultations/{consultation.reference}/responses/{theirs.slug}",
    )
    db.session.add(
        GovernmentReply(
            consultation_id=consultation.id, overall="We will xylopapa", per_question={}
        )
    )
    plant(
        "xylopapa",
        f"/consultations/{consultation.reference}/reply",
        f"/consultations/{consultation.reference}",
    )

    closed = factories.consultation(department=department)
    answered = factories.submitted_response(consultation=closed, authority=theirs)
    _comment(answered, "Published xyloquebec view")
    db.session.flush()
    factories.summary_snapshot(consultation=closed, published=True)
    plant("xyloquebec", f"/consultations/{closed.reference}/summary/comments")

    future_leader = factories.user(full_name="Xyloromeo Future")
    factories.appointment(
        user=future_leader,
        role=Role.LEADER,
        authority=factories.council(name="Latershire"),
        starts_on=today() + timedelta(days=10),
    )
    now_shire = factories.council(name="Nowshire")
    current_leader = factories.user(full_name="Xylosierra Present")
    factories.appointment(user=current_leader, role=Role.LEADER, authority=now_shire)
    plant("xyloromeo", "/authorities/latershire")
    plant("xylosierra", f"/authorities/{now_shire.slug}")
    db.session.flush()

    people = {
        "anonymous": None,
        "no role": factories.user(),
        "secretariat": factories.user(role=Role.SECRETARIAT),
        "chair": factories.user(role=Role.CHAIR),
        "lead minister": factories.minister(office=lead_office),
        "minister in the department": factories.minister(office=other_office),
        "minister elsewhere": factories.minister(),
        "our leader": factories.person_at(authority=ours, role=Role.LEADER),
        "our officer": factories.person_at(authority=ours, role=Role.OFFICER),
        "their leader": factories.person_at(authority=theirs, role=Role.LEADER),
        "another leader": factories.user(role=Role.LEADER),
        "a mayor": factories.user(role=Role.MAYOR),
        "a deputy": factories.user(role=Role.DEPUTY),
        "an officer": factories.user(role=Role.OFFICER),
    }
    return planted, people


PEOPLE = [
    "anonymous",
    "no role",
    "secretariat",
    "chair",
    "lead minister",
    "minister in the department",
    "minister elsewhere",
    "our leader",
    "our officer",
    "their leader",
    "another leader",
    "a mayor",
    "a deputy",
    "an officer",
]


def _shows(client: FlaskClient, url: str, word: str, *, download: bool) -> bool:
    response = client.get(url)
    if response.status_code != 200:
        return False
    if download:
        return True
    return word in response.get_data(as_text=True).lower()


@pytest.mark.parametrize("who", PEOPLE)
def test_a_word_is_found_exactly_when_its_page_shows_it(client, corpus, who):
    planted, people = corpus
    person = people[who]
    if person is None:
        sign_out(client)
    else:
        sign_in(client, person)
    wrong = []
    for record in planted.values():
        found = hits(client, record.word)
        visible = any(
            _shows(client, url, record.word, download=record.download) for url in record.urls
        )
        if bool(found) != visible:
            wrong.append(f"{record.word}: found {len(found)}, page shows it: {visible}")
        for hit in found:
            if not _shows(client, hit["url"], record.word, download=record.download):
                wrong.append(f"{record.word}: result {hit['url']} does not show it")
    assert wrong == []


def test_who_finds_what(client, corpus):
    """The rules, spelled out: what each person finds among the planted words."""
    planted, people = corpus
    expected_private = {
        "anonymous": set(),
        "no role": {"xylokilo"},
        "secretariat": set(planted) - {"xyloromeo"},
        "chair": {
            "xylocharlie", "xylodelta", "xylofoxtrot", "xylogolf", "xylohotel",
            "xyloindia", "xylojuliet", "xylokilo", "xylooscar",
        },
        "lead minister": {
            "xylocharlie", "xylodelta", "xylohotel", "xyloindia", "xylojuliet",
            "xylokilo", "xylooscar", "xylopapa",
        },
        "our officer": {
            "xylocharlie", "xylodelta", "xylohotel", "xyloindia", "xylojuliet",
            "xylokilo", "xylonovember",
        },
        "their leader": {
            "xylocharlie", "xylodelta", "xylohotel", "xyloindia", "xylojuliet",
            "xylokilo", "xylooscar",
        },
    }  # fmt: skip
    public = {"xyloecho", "xyloquebec", "xylosierra"}
    for who, private in expected_private.items():
        person = people[who]
        if person is None:
            sign_out(client)
        else:
            sign_in(client, person)
        found = {word for word in planted if hits(client, word)}
        assert found == private | public, who

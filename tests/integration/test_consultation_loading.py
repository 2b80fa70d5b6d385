"""Reading a consultation for its pages (``load_consultation``): its questions
with their options, its sections and its documents, each in one statement and
only when it has any, set as if read through the relationships."""

from __future__ import annotations

import pytest
from werkzeug.exceptions import NotFound

from commission.consultations.models import Question, QuestionKind
from commission.consultations.queries import Parts, load_consultation, load_whole
from commission.extensions import db
from tests import factories
from tests.conftest import count_statements


@pytest.fixture
def request_ctx(app, app_ctx):
    with app.test_request_context():
        yield


def shape(consultation) -> tuple:
    return (
        [(q.position, q.text, [o.label for o in q.options]) for q in consultation.questions],
        [s.title for s in consultation.sections],
        [d.title for d in consultation.documents],
    )


def test_every_part_is_read_in_its_own_order_one_statement_each(request_ctx):
    consultation = factories.every_kind_consultation()
    factories.consultation_document(consultation=consultation)
    db.session.flush()
    expected = shape(consultation)
    reference = consultation.reference
    db.session.expunge_all()

    with count_statements(selects_only=True) as statements:
        loaded = load_consultation(reference)
        shown = shape(loaded)

    assert shown == expected
    assert [len(options) for _, _, options in shown[0]] == [0, 3, 4, 0, 0, 3, 0, 0]
    # The consultation (with whether it has each part), its questions, their
    # options, its sections, its documents.
    assert len(statements) == 5


def test_parts_a_consultation_does_not_have_are_not_asked_for(request_ctx):
    reference = factories.consultation(questions=3).reference
    db.session.expunge_all()

    with count_statements(selects_only=True) as statements:
        loaded = load_consultation(reference)
        shown = shape(loaded)

    assert [text for _, text, _ in shown[0]] == [q.text for q in loaded.questions]
    assert shown[1:] == ([], [])
    assert all(options == [] for _, _, options in shown[0])
    assert len(statements) == 2


def test_what_is_read_is_tracked_like_a_relationship(request_ctx):
    reference = factories.consultation(questions=2).reference
    db.session.expunge_all()
    loaded = load_consultation(reference)

    loaded.questions.append(
        Question(position=3, kind=QuestionKind.FREE_TEXT, text="Anything else?")
    )
    db.session.flush()
    db.session.expunge_all()

    assert [q.text for q in load_consultation(reference).questions][-1] == "Anything else?"


def test_read_with_less_then_whole(request_ctx):
    consultation = factories.every_kind_consultation()
    db.session.flush()
    expected = shape(consultation)
    reference = consultation.reference
    db.session.expunge_all()

    own = load_consultation(reference, parts=Parts.OWN)
    with count_statements(selects_only=True) as statements:
        whole = load_whole(own)
        shown = shape(whole)

    assert whole is own
    assert shown == expected
    # Whether it has each part, its questions, their options, its sections.
    assert len(statements) == 4


def test_a_consultation_that_is_not_there_is_not_found(request_ctx):
    with pytest.raises(NotFound):
        load_consultation("LGC-2026-999")

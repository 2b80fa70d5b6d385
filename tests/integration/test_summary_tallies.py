"""The summary's kept figures (``summaries/tallies.py``) through the app's own
ways of changing responses, and counted again by ``flask summaries recount``.
The random sequences of changes are in tests/property/test_tallies_property.py."""

from __future__ import annotations

from sqlalchemy import delete, select

from commission.consultations.models import Position
from commission.extensions import db
from commission.summaries.models import AnswerTally, ThemeTally
from commission.summaries.queries import compute_summary
from tests import factories


def _kept(consultation_id: int) -> set[tuple[object, ...]]:
    t = AnswerTally
    return {
        tuple(row)
        for row in db.session.execute(
            select(t.question_id, t.split, t.grp, t.position, t.answers, t.people).where(
                t.consultation_id == consultation_id, t.answers != 0
            )
        )
    }


def test_a_signed_off_response_is_counted_as_it_is_written(app_ctx):
    consultation = factories.consultation(questions=2)
    first, second = factories.council(population=1_000), factories.council(population=3_000)
    factories.submitted_response(
        consultation=consultation, authority=first, position=Position.SUPPORT
    )
    factories.submitted_response(
        consultation=consultation, authority=second, position=Position.OPPOSE
    )
    question = consultation.questions[0].id
    kept = _kept(consultation.id)
    assert (question, "overall", "", Position.SUPPORT.value, 1, 1_000) in kept
    assert (question, "overall", "", Position.OPPOSE.value, 1, 3_000) in kept
    overall = compute_summary(consultation)["questions"][0]
    assert overall["total"] == 2
    assert overall["population"] == 4_000


def test_recount_counts_every_figure_again(app, app_ctx):
    consultation = factories.consultation(questions=2)
    for n in range(3):
        factories.submitted_response(
            consultation=consultation,
            authority=factories.council(),
            position=Position.SUPPORT if n else Position.NEUTRAL,
        )
    before = compute_summary(consultation, consultation.closes_at)
    kept = _kept(consultation.id)
    db.session.execute(delete(AnswerTally))
    db.session.execute(delete(ThemeTally))
    db.session.commit()
    assert _kept(consultation.id) == set()

    result = app.test_cli_runner().invoke(args=["summaries", "recount"])

    assert result.exit_code == 0, result.output
    assert "counted again" in result.output
    db.session.expire_all()
    assert _kept(consultation.id) == kept
    assert compute_summary(consultation, consultation.closes_at) == before

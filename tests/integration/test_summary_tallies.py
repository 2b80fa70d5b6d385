"""The summary's kept figures (``summaries/tallies.py``) through the app's own
ways of changing responses, and counted again by ``flask summaries recount``.
The random sequences of changes are in tests/property/test_tallies_property.py."""

from __future__ import annotations

from sqlalchemy import delete, select

from commission.consultations.models import Position
from commission.extensions import db
from commission.summaries.models import AnswerTag, AnswerTally, Tag, ThemeTally
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


def test_quotations_are_the_longest_comments_ties_to_the_council_first_by_name(app_ctx):
    """The quotations rank the kept comments: the longest first, and among
    comments of one length the council first by name; a theme's quotation
    the same among the comments tagged with it; an amendment that makes a
    comment longer moves it up."""
    consultation = factories.consultation(questions=1)
    suffix = next(factories._counter)
    answers = {}
    for name in ("Gamma", "Alpha", "Beta"):
        council = factories.council(name=f"{name} Council {suffix}")
        response = factories.submitted_response(consultation=consultation, authority=council)
        [answers[name]] = response.answers
        answers[name].comment = answers[name].submitted_comment = "Same length."
    theme = Tag(name=f"funding {suffix}")
    db.session.add(theme)
    db.session.flush()
    db.session.add_all(AnswerTag(answer_id=a.id, tag_id=theme.id) for a in answers.values())
    db.session.flush()

    def quoted() -> tuple[list[str], str]:
        summary = compute_summary(consultation)
        [on_theme] = summary["question_themes"]
        return (
            [q["authority"].split()[0] for q in summary["quotations"]],
            on_theme["quotation"]["authority"].split()[0],
        )

    assert quoted() == (["Alpha", "Beta"], "Alpha")

    answers["Gamma"].submitted_comment = "A longer comment than the others."
    db.session.flush()

    assert quoted() == (["Gamma", "Alpha"], "Gamma")

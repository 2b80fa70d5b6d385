"""The summary's kept figures (``tallies.py``) stay what a count from the
answers gives, whatever happens to the responses in whatever order.

Each example makes a consultation of two questions and three authorities,
then runs a random sequence of changes, flushing after some of them (so one
flush may carry several): a response signed off or amended with random
positions and comments, one taken back to a draft, one deleted, a theme
added to or taken off a comment (one at a time through the session, or in
bulk through the secretariat's service, a statement the session does not
see), and an authority's population, type or region changed. The kept
figures must then equal a recount from the answers. Every example runs in a
savepoint that is rolled back."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from commission.auth.roles import Role
from commission.consultations.models import (
    Answer,
    Channel,
    Position,
    Question,
    Response,
    ResponseStatus,
)
from commission.extensions import db
from commission.membership.models import AuthorityKind, Region
from commission.summaries.models import AnswerTag, AnswerTally, KeptComment, Tag, ThemeTally
from commission.summaries.services import tag_comments
from commission.summaries.tallies import recount
from commission.timeutil import now_utc
from tests import factories

AUTHORITIES = 3
QUESTIONS = 2
THEMES = ("funding", "housing")

answers = st.lists(
    st.tuples(
        st.none() | st.sampled_from(list(Position)),
        st.none() | st.sampled_from(["Yes.", "We need the funding to follow."]),
    ),
    min_size=QUESTIONS,
    max_size=QUESTIONS,
)
who = st.integers(min_value=0, max_value=AUTHORITIES - 1)
question = st.integers(min_value=0, max_value=QUESTIONS - 1)
theme = st.sampled_from(THEMES)
changes = st.one_of(
    st.tuples(st.just("sign_off"), who, answers),
    st.tuples(st.just("to_draft"), who),
    st.tuples(st.just("delete"), who),
    st.tuples(st.just("unanswer"), who, question),
    st.tuples(st.just("tag"), who, question, theme),
    st.tuples(st.just("untag"), who, question, theme),
    st.tuples(st.just("bulk"), st.booleans(), theme),
    st.tuples(
        st.just("authority"),
        who,
        st.one_of(
            st.tuples(st.just("population"), st.none() | st.integers(0, 2_000_000)),
            st.tuples(st.just("kind"), st.sampled_from(list(AuthorityKind))),
            st.tuples(st.just("region"), st.sampled_from(list(Region))),
        ),
    ),
)


def kept(consultation_id: int) -> tuple[set[tuple[Any, ...]], ...]:
    """The consultation's kept figures, rows that count nothing left out, and
    its kept comments."""
    t, h, k = AnswerTally, ThemeTally, KeptComment
    tallies = db.session.execute(
        select(t.question_id, t.split, t.grp, t.position, t.answers, t.people, t.comments).where(
            t.consultation_id == consultation_id, t.answers != 0
        )
    )
    themes = db.session.execute(
        select(h.tag_id, h.question_id, h.position, h.answers).where(
            h.consultation_id == consultation_id, h.answers != 0
        )
    )
    comments = db.session.execute(
        select(k.question_id, k.tag_id, k.answer_id, k.length, k.authority_id)
        .join(Question, Question.id == k.question_id)
        .where(Question.consultation_id == consultation_id)
    )
    return (
        {tuple(row) for row in tallies},
        {tuple(row) for row in themes},
        {tuple(row) for row in comments},
    )


class World:
    def __init__(self) -> None:
        self.now = now_utc()
        self.consultation = factories.consultation(
            opens_at=self.now - timedelta(days=3),
            closes_at=self.now + timedelta(days=9),
            questions=QUESTIONS,
        )
        self.authorities = [factories.council() for _ in range(AUTHORITIES)]
        self.tags = {name: Tag(name=f"{name} {next(factories._counter)}") for name in THEMES}
        db.session.add_all(self.tags.values())
        self.secretariat = factories.user(role=Role.SECRETARIAT)
        db.session.flush()

    def response(self, index: int) -> Response | None:
        return db.session.execute(
            select(Response).where(
                Response.consultation_id == self.consultation.id,
                Response.authority_id == self.authorities[index].id,
            )
        ).scalar_one_or_none()

    def answer(self, index: int, number: int) -> Answer | None:
        response = self.response(index)
        if response is None:
            return None
        wanted = self.consultation.questions[number].id
        return next((a for a in response.answers if a.question_id == wanted), None)

    def sign_off(self, index: int, given: list[tuple[Position | None, str | None]]) -> None:
        response = self.response(index)
        if response is None:
            response = Response(
                consultation_id=self.consultation.id,
                authority_id=self.authorities[index].id,
                status=ResponseStatus.DRAFT,
                channel=Channel.ONLINE,
                submission_count=0,
            )
            db.session.add(response)
        response.status = ResponseStatus.SUBMITTED
        response.submitted_at = self.now
        response.submission_count += 1
        response.control_at_submission = "labour" if index % 2 else None
        for q, (position, comment) in zip(self.consultation.questions, given, strict=True):
            answer = next((a for a in response.answers if a.question_id == q.id), None)
            if answer is None:
                answer = Answer(question_id=q.id)
                response.answers.append(answer)
            answer.position, answer.comment = position, comment
            answer.submitted_position, answer.submitted_comment = position, comment

    def to_draft(self, index: int) -> None:
        response = self.response(index)
        if response is not None:
            response.status = ResponseStatus.DRAFT
            response.submitted_at = None
            response.control_at_submission = None
            for answer in response.answers:
                answer.submitted_position = answer.submitted_comment = None

    def delete(self, index: int) -> None:
        response = self.response(index)
        if response is None:
            return
        gone = response.id
        db.session.delete(response)
        db.session.flush()
        # The database's cascade deleted its answers and their themes; the
        # session still holds those it had loaded, whose ids SQLite gives to
        # the next rows written: they are let go.
        held = list(db.session.identity_map.values())
        self._let_go({o.id for o in held if isinstance(o, Answer) and o.response_id == gone})

    @staticmethod
    def _let_go(answers: set[int | None]) -> None:
        for record in list(db.session.identity_map.values()):
            if (isinstance(record, Answer) and record.id in answers) or (
                isinstance(record, AnswerTag) and record.answer_id in answers
            ):
                db.session.expunge(record)

    def unanswer(self, index: int, number: int) -> None:
        """The response's answer to the question goes if it has one, and a
        blank one (no position, no comment) comes in its place if not."""
        response = self.response(index)
        if response is None:
            return
        answer = self.answer(index, number)
        if answer is not None:
            gone = answer.id
            response.answers.remove(answer)
            db.session.flush()
            self._let_go({gone})
        else:
            response.answers.append(Answer(question_id=self.consultation.questions[number].id))

    def tag(self, index: int, number: int, name: str) -> None:
        answer = self.answer(index, number)
        if answer is None or answer.id is None:
            return
        tag = self.tags[name]
        having = select(AnswerTag).where(
            AnswerTag.answer_id == answer.id, AnswerTag.tag_id == tag.id
        )
        if not db.session.execute(having).first():
            db.session.add(AnswerTag(answer_id=answer.id, tag_id=tag.id))

    def untag(self, index: int, number: int, name: str) -> None:
        answer = self.answer(index, number)
        if answer is not None and answer.id is not None:
            for link in db.session.execute(
                select(AnswerTag).where(
                    AnswerTag.answer_id == answer.id, AnswerTag.tag_id == self.tags[name].id
                )
            ).scalars():
                db.session.delete(link)

    def bulk(self, add: bool, name: str) -> None:
        db.session.flush()
        commented = db.session.execute(
            select(Answer.id)
            .join(Response, Response.id == Answer.response_id)
            .where(
                Response.consultation_id == self.consultation.id,
                Response.submitted_at.is_not(None),
                Answer.submitted_comment.is_not(None),
            )
        ).scalars()
        ids = list(commented)
        if ids:
            tag_comments(
                consultation=self.consultation,
                answer_ids=ids,
                theme=self.tags[name].name,
                add=add,
                actor=self.secretariat,
            )

    def authority(self, index: int, change: tuple[str, Any]) -> None:
        setattr(self.authorities[index], *change)


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=st.lists(st.tuples(changes, st.booleans()), min_size=1, max_size=12))
def test_the_kept_figures_equal_a_recount_after_any_changes(app_ctx, steps):
    # What an earlier example left in the session (rolled back, but SQLite
    # gives its ids to the next rows written) is let go first.
    db.session.expunge_all()
    savepoint = db.session.begin_nested()
    try:
        world = World()
        for (name, *arguments), flush in steps:
            getattr(world, name)(*arguments)
            if flush:
                db.session.flush()
        db.session.flush()
        kept_figures = kept(world.consultation.id)
        recount(db.session.connection(), [world.consultation.id])
        assert kept_figures == kept(world.consultation.id)
    finally:
        savepoint.rollback()

"""Each kind of question's answer: what counts as one, how it is checked,
stored, shown and described. The response form, check-your-answers, the
history, the response's PDF and the letter-entry form all ask here, so a
kind is answered and shown one way everywhere."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Any, NotRequired, Protocol, TypedDict

from commission.consultations.models import (
    OTHER,
    Answer,
    Position,
    Question,
    QuestionKind,
    YesNo,
)
from commission.errors import DomainError

SHORT_TEXT_MAX = 500
OTHER_TEXT_MAX = 500
# Bounds no sensible answer reaches, so a number never overflows a column or
# turns into an exponent on the page.
NUMBER_LIMIT = 1e12
NUMBER_TEXT_MAX = 30


@dataclass
class AnswerData:
    """One question's answer as a person entered it (text, before checking)."""

    position: Position | None = None
    comment: str = ""
    choice: str = ""
    choices: list[str] = field(default_factory=list)
    number: str = ""
    ranks: dict[int, str] = field(default_factory=dict)
    text: str = ""


class AnswerSnapshot(TypedDict):
    """An answer as a revision keeps it (JSON); the other kinds' values are
    there only when set, so a revision made before they existed compares
    equal to one made after."""

    position: str | None
    comment: str | None
    choice: NotRequired[str]
    choices: NotRequired[list[int]]
    number: NotRequired[float]
    ranking: NotRequired[list[int]]
    text: NotRequired[str]


def field_name(question: Question) -> str:
    """The form field an answer's first control is, for error links and the
    "Change" links of check-your-answers."""
    kind = question.kind
    if kind is QuestionKind.POSITION:
        return f"position_{question.id}"
    if kind in (QuestionKind.SINGLE_CHOICE, QuestionKind.YES_NO):
        return f"choice_{question.id}"
    if kind is QuestionKind.MULTIPLE_CHOICE:
        return f"choices_{question.id}"
    if kind is QuestionKind.NUMBER:
        return f"number_{question.id}"
    if kind is QuestionKind.RANKING:
        first = question.options[0].id if question.options else 0
        return f"rank_{question.id}_{first}"
    return f"comment_{question.id}"


def format_number(value: float | None, decimals: int = 0) -> str:
    """A number as the page shows it: grouped thousands, the question's
    decimal places."""
    if value is None:
        return ""
    return f"{value:,.{max(decimals, 0)}f}"


def _bound_text(question: Question) -> str:
    low, high = question.min_value, question.max_value
    d = question.decimals
    if low is not None and high is not None:
        return f"between {format_number(low, d)} and {format_number(high, d)}"
    if low is not None:
        return f"{format_number(low, d)} or more"
    return f"{format_number(high, d)} or less"


def parse_number(question: Question, raw: str) -> float | None:
    """The number typed for ``question``, or None if nothing was typed;
    refuses what is not a number, has more decimal places than the question
    allows, or is outside its bounds, saying so on the field."""
    name = field_name(question)
    typed = raw.strip().replace(" ", "")
    if not typed:
        return None
    # Commas only as thousands separators ("1,250"); "12,5" is refused, not
    # read as 125.
    if "," in typed and re.fullmatch(r"-?\d{1,3}(,\d{3})+(\.\d+)?", typed):
        typed = typed.replace(",", "")
    if len(typed) > NUMBER_TEXT_MAX or not re.fullmatch(r"-?\d+(\.\d+)?|-?\.\d+", typed):
        kind = "a whole number" if question.decimals == 0 else "a number"
        raise DomainError(f"Enter {kind}, like 250", field=name)
    decimals = len(typed.partition(".")[2])
    if decimals > question.decimals:
        if question.decimals == 0:
            raise DomainError("Enter a whole number", field=name)
        raise DomainError(
            f"Enter a number with at most {question.decimals} decimal "
            f"{'place' if question.decimals == 1 else 'places'}",
            field=name,
        )
    value = float(typed)
    if not math.isfinite(value) or abs(value) > NUMBER_LIMIT:
        raise DomainError("Enter a smaller number", field=name)
    low, high = question.min_value, question.max_value
    if (low is not None and value < low) or (high is not None and value > high):
        raise DomainError(f"Enter a number {_bound_text(question)}", field=name)
    return value


def _option_ids(question: Question) -> list[int]:
    return [option.id for option in question.options]


def parse_ranking(question: Question, ranks: dict[int, str]) -> list[int] | None:
    """Option ids in rank order from the rank given to each option, or None
    if no rank was given. Every option needs a different rank from 1 to the
    number of options: ties and gaps are refused."""
    name = field_name(question)
    options = _option_ids(question)
    given = {oid: (ranks.get(oid) or "").strip() for oid in options}
    if not any(given.values()):
        return None
    count = len(options)
    if not all(given.values()):
        raise DomainError(f"Give every option a rank from 1 to {count}", field=name)
    numbers: dict[int, int] = {}
    for oid, typed in given.items():
        if not typed.isdigit() or not 1 <= int(typed) <= count:
            raise DomainError(f"Give every option a rank from 1 to {count}", field=name)
        numbers[oid] = int(typed)
    if len(set(numbers.values())) != count:
        raise DomainError("Give each option a different rank: no two can share one", field=name)
    return sorted(options, key=lambda oid: numbers[oid])


def _choice(question: Question, data: AnswerData) -> str | None:
    name = field_name(question)
    chosen = data.choice.strip()
    if not chosen:
        return None
    if question.kind is QuestionKind.YES_NO:
        if chosen not in {v.value for v in YesNo}:
            raise DomainError("Select yes, no or don't know", field=name)
        return chosen
    if chosen == OTHER and question.allow_other:
        return OTHER
    if chosen not in {str(oid) for oid in _option_ids(question)}:
        raise DomainError("Select one of the options", field=name)
    return chosen


def _choices(question: Question, data: AnswerData) -> list[int] | None:
    name = field_name(question)
    offered = {str(oid): oid for oid in _option_ids(question)}
    chosen = [c for c in data.choices if c]
    if not chosen:
        return None
    if any(c not in offered for c in chosen) or len(set(chosen)) != len(chosen):
        raise DomainError("Select options from the list", field=name)
    limit = question.max_choices
    if limit is not None and len(chosen) > limit:
        raise DomainError(
            f"Select at most {limit} {'option' if limit == 1 else 'options'}", field=name
        )
    order = _option_ids(question)
    return sorted((offered[c] for c in chosen), key=order.index)


@dataclass
class CheckedAnswer:
    """An answer's values once checked, ready to store in the working copy."""

    position: Position | None = None
    comment: str | None = None
    choice: str | None = None
    choices: list[int] | None = None
    number: float | None = None
    ranking: list[int] | None = None
    text: str | None = None


def _clean(text: str) -> str | None:
    text = text.replace("\r\n", "\n").strip()
    return text or None


def check_answer(question: Question, data: AnswerData, comment_limit: int) -> CheckedAnswer:
    """``data`` checked for ``question``'s kind, refusing bad input on its
    field: an option not offered, too many choices, "Other" without its
    words, a number out of bounds or not a number, a ranking with ties or
    gaps, words too long. An unanswered question passes (a draft may leave
    it); signing off asks for the required ones (``is_answered``)."""
    kind = question.kind
    checked = CheckedAnswer()
    if kind.takes_comment:
        limit = SHORT_TEXT_MAX if kind is QuestionKind.SHORT_TEXT else comment_limit
        comment = data.comment.replace("\r\n", "\n")
        if kind is QuestionKind.SHORT_TEXT and "\n" in comment.strip():
            raise DomainError("Your answer must be one line", field=f"comment_{question.id}")
        if len(comment) > limit:
            what = "answer" if kind is QuestionKind.SHORT_TEXT else "comment"
            raise DomainError(
                f"Your {what} must be {limit:,} characters or fewer",
                field=f"comment_{question.id}",
            )
        checked.comment = _clean(comment)
    if kind is QuestionKind.POSITION:
        checked.position = data.position
    elif kind in (QuestionKind.SINGLE_CHOICE, QuestionKind.YES_NO):
        checked.choice = _choice(question, data)
        if checked.choice == OTHER:
            if len(data.text) > OTHER_TEXT_MAX:
                raise DomainError(
                    f"Your answer must be {OTHER_TEXT_MAX} characters or fewer",
                    field=f"other_{question.id}",
                )
            checked.text = _clean(data.text)
            if checked.text is None:
                raise DomainError("Say what your other answer is", field=f"other_{question.id}")
    elif kind is QuestionKind.MULTIPLE_CHOICE:
        checked.choices = _choices(question, data)
    elif kind is QuestionKind.NUMBER:
        checked.number = parse_number(question, data.number)
    elif kind is QuestionKind.RANKING:
        checked.ranking = parse_ranking(question, data.ranks)
    return checked


def store(answer: Answer, checked: CheckedAnswer) -> None:
    """Write checked values into an answer's working copy."""
    answer.position = checked.position
    answer.comment = checked.comment
    answer.choice = checked.choice
    answer.choices = checked.choices
    answer.number = checked.number
    answer.ranking = checked.ranking
    answer.text = checked.text


def is_answered(question: Question, answer: Answer | None) -> bool:
    """Whether the working copy answers the question, for signing off."""
    if answer is None:
        return False
    kind = question.kind
    if kind is QuestionKind.POSITION:
        return answer.position is not None
    if kind in (QuestionKind.SINGLE_CHOICE, QuestionKind.YES_NO):
        return answer.choice is not None
    if kind is QuestionKind.MULTIPLE_CHOICE:
        return bool(answer.choices)
    if kind is QuestionKind.NUMBER:
        return answer.number is not None
    if kind is QuestionKind.RANKING:
        return bool(answer.ranking)
    return bool(answer.comment)


def missing_message(question: Question, number: int) -> str:
    kind = question.kind
    if kind is QuestionKind.POSITION:
        return f"Select a position for question {number}"
    if kind in (QuestionKind.SINGLE_CHOICE, QuestionKind.YES_NO):
        return f"Select an answer to question {number}"
    if kind is QuestionKind.MULTIPLE_CHOICE:
        return f"Select at least one option for question {number}"
    if kind is QuestionKind.NUMBER:
        return f"Enter a number for question {number}"
    if kind is QuestionKind.RANKING:
        return f"Rank the options for question {number}"
    return f"Enter an answer to question {number}"


def values(answer: Answer | None, *, submitted: bool = False) -> dict[str, Any]:
    """An answer's working (or signed-off) values by name."""
    if answer is None:
        return {}
    prefix = "submitted_" if submitted else ""
    return {name: getattr(answer, prefix + name) for name in Answer.WORKING}


def snapshot(answer: Answer) -> AnswerSnapshot:
    kept = AnswerSnapshot(
        position=answer.position.value if answer.position else None, comment=answer.comment
    )
    if answer.choice is not None:
        kept["choice"] = answer.choice
    if answer.choices:
        kept["choices"] = list(answer.choices)
    if answer.number is not None:
        kept["number"] = answer.number
    if answer.ranking:
        kept["ranking"] = list(answer.ranking)
    if answer.text is not None:
        kept["text"] = answer.text
    return kept


class Asked(Protocol):
    """What showing an answer needs of its question: a ``Question``, or a
    ``QuestionShape`` read up front for a download."""

    @property
    def kind(self) -> QuestionKind: ...
    @property
    def unit(self) -> str | None: ...
    @property
    def decimals(self) -> int: ...
    def option_label(self, option_id: object) -> str: ...


@dataclass(frozen=True)
class QuestionShape:
    """A question's kind, options and number settings, as plain data."""

    kind: QuestionKind
    options: dict[str, str]
    unit: str | None = None
    decimals: int = 0

    @classmethod
    def of(cls, question: Question, options: dict[str, str]) -> QuestionShape:
        return cls(question.kind, options, question.unit, question.decimals or 0)

    def option_label(self, option_id: object) -> str:
        if option_id == OTHER:
            return "Other"
        return self.options.get(str(option_id), str(option_id))


def answer_text(question: Asked, value: dict[str, Any]) -> str:
    """The answer of a choice, yes/no, number or ranking question in one line
    (a download's "Answer" column); empty for the kinds whose words are the
    comment."""
    if question.kind.takes_comment:
        return ""
    return "; ".join(lines(question, value))


def lines(question: Asked, value: dict[str, Any]) -> list[str]:
    """An answer (working, signed-off or from a revision) as the lines a
    person reads: the answer first, then any comment. Empty if unanswered."""
    kind = question.kind
    shown: list[str] = []
    if kind is QuestionKind.POSITION and value.get("position"):
        shown.append(Position(value["position"]).label)
    elif kind is QuestionKind.YES_NO and value.get("choice"):
        shown.append(YesNo(value["choice"]).label)
    elif kind is QuestionKind.SINGLE_CHOICE and value.get("choice"):
        if value["choice"] == OTHER:
            shown.append(f"Other: {value.get('text') or ''}".strip())
        else:
            shown.append(question.option_label(value["choice"]))
    elif kind is QuestionKind.MULTIPLE_CHOICE and value.get("choices"):
        shown.extend(question.option_label(c) for c in value["choices"])
    elif kind is QuestionKind.NUMBER and value.get("number") is not None:
        unit = f" {question.unit}" if question.unit else ""
        shown.append(format_number(value["number"], question.decimals) + unit)
    elif kind is QuestionKind.RANKING and value.get("ranking"):
        shown.extend(
            f"{rank}. {question.option_label(oid)}"
            for rank, oid in enumerate(value["ranking"], start=1)
        )
    if value.get("comment"):
        shown.append(value["comment"])
    return shown


def describe(question: Asked, value: dict[str, Any] | None) -> str:
    """An answer in one line, for the history's before and after."""
    shown = lines(question, value or {})
    if not shown:
        return "Not answered"
    if question.kind.takes_comment and value and value.get("comment"):
        answer, comment = shown[:-1], shown[-1]
        return ": ".join([*answer, f"“{comment}”"])
    return "; ".join(shown)


def typed(question: Question, answer: Answer | None) -> Any:
    """A signed-off answer in a typed, machine-readable form (for the API
    and the datasets): the option's words, a list of them, a number, the
    options in rank order, yes/no/don't know, or the text."""
    if answer is None:
        return None
    kind = question.kind
    if kind is QuestionKind.POSITION:
        return answer.submitted_position.value if answer.submitted_position else None
    if kind is QuestionKind.YES_NO:
        return answer.submitted_choice
    if kind is QuestionKind.SINGLE_CHOICE:
        if answer.submitted_choice == OTHER:
            return {"other": answer.submitted_text}
        return question.option_label(answer.submitted_choice) if answer.submitted_choice else None
    if kind is QuestionKind.MULTIPLE_CHOICE:
        return [question.option_label(c) for c in answer.submitted_choices or []] or None
    if kind is QuestionKind.NUMBER:
        return answer.submitted_number
    if kind is QuestionKind.RANKING:
        return [question.option_label(c) for c in answer.submitted_ranking or []] or None
    return answer.submitted_comment

from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from govuk_frontend_wtf.wtforms_widgets import (
    GovCharacterCount,
    GovCheckboxesInput,
    GovCheckboxInput,
    GovFileInput,
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import (
    BooleanField,
    HiddenField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, ValidationError

from commission.consultations.answers import AnswerData, format_number
from commission.consultations.models import (
    OTHER,
    LegislativeStage,
    Position,
    QuestionKind,
    YesNo,
)
from commission.forms import ChoiceRequired, Form, GovDateField
from commission.meetings.forms import TimeField

POSITION_CHOICES = [SelectChoice(p.value, p.label) for p in Position]


class ConsultationForm(Form):
    title = StringField(
        "Title",
        widget=GovTextInput(),
        validators=[
            DataRequired(message="Enter a title"),
            Length(max=200, message="Title must be 200 characters or fewer"),
        ],
    )
    summary = TextAreaField(
        "Summary",
        description="What government proposes and what it wants councils' views on",
        widget=GovTextArea(),
        validators=[
            DataRequired(message="Enter a summary"),
            Length(max=10000, message="Summary must be 10,000 characters or fewer"),
        ],
    )
    department = SelectField(
        "Department",
        widget=GovSelect(),
        validate_choice=False,
        validators=[InputRequired(message="Select the department")],
    )
    lead_office = SelectField("Lead minister", widget=GovSelect(), validate_choice=False)
    stage = SelectField(
        "Legislative stage",
        choices=[SelectChoice(s.value, s.label) for s in LegislativeStage],
        widget=GovSelect(),
        validators=[ChoiceRequired(message="Select the legislative stage")],
    )
    opens_day = GovDateField(
        "Opens on",
        description="For example, 1 2 2027",
        required=True,
        required_message="Enter the date the consultation opens",
    )
    opens_time = TimeField("Opens at")
    closes_day = GovDateField(
        "Closes on",
        description="For example, 31 3 2027",
        required=True,
        required_message="Enter the date the consultation closes",
    )
    closes_time = TimeField("Closes at")
    submit = SubmitField("Save consultation", widget=GovSubmitInput())


KIND_CHOICES = [
    SelectChoice(QuestionKind.POSITION.value, "Position on the scale, with an optional comment"),
    SelectChoice(QuestionKind.SINGLE_CHOICE.value, "One choice from options (radios)"),
    SelectChoice(QuestionKind.MULTIPLE_CHOICE.value, "Several choices from options (check boxes)"),
    SelectChoice(QuestionKind.YES_NO.value, "Yes, no or don't know"),
    SelectChoice(QuestionKind.NUMBER.value, "A number, with a unit and bounds"),
    SelectChoice(QuestionKind.RANKING.value, "A ranking of options"),
    SelectChoice(QuestionKind.SHORT_TEXT.value, "Short text (one line, up to 500 characters)"),
    SelectChoice(QuestionKind.FREE_TEXT.value, "Long text"),
]


def _optional_number(text: str | None, message: str, *, whole: bool = False) -> float | None:
    typed = (text or "").strip().replace(",", "")
    if not typed:
        return None
    try:
        value = float(typed) if not whole else int(typed)
    except ValueError:
        raise ValidationError(message) from None
    if value != value or abs(value) > 1e12:
        raise ValidationError(message)
    return value


class QuestionForm(Form):
    kind = RadioField(
        "Kind of question",
        choices=KIND_CHOICES,
        widget=GovRadioInput(),
        validators=[InputRequired(message="Select the kind of question")],
    )
    text = StringField(
        "Question",
        widget=GovTextInput(),
        validators=[
            DataRequired(message="Enter the question"),
            Length(max=500, message="The question must be 500 characters or fewer"),
        ],
    )
    hint = TextAreaField(
        "Hint text (optional)",
        widget=GovTextArea(),
        validators=[Length(max=1000, message="Hint must be 1,000 characters or fewer")],
    )
    required = BooleanField("Councils must answer this question", widget=GovCheckboxInput())
    section = SelectField("Section (optional)", widget=GovSelect(), validate_choice=False)
    options = TextAreaField(
        "Options",
        description="For one choice, several choices or a ranking: one option on each line",
        widget=GovTextArea(),
        validators=[Length(max=5000, message="Options must be 5,000 characters or fewer")],
    )
    allow_other = BooleanField(
        "Offer “Other - please say” (one choice only)", widget=GovCheckboxInput()
    )
    max_choices = StringField(
        "Most options a council can choose (several choices only, optional)",
        widget=GovTextInput(),
    )
    unit = StringField(
        "Unit (a number only, optional)",
        description="For example, places or £ per head",
        widget=GovTextInput(),
        validators=[Length(max=40, message="Unit must be 40 characters or fewer")],
    )
    min_value = StringField("Smallest number allowed (optional)", widget=GovTextInput())
    max_value = StringField("Largest number allowed (optional)", widget=GovTextInput())
    decimals = SelectField(
        "Whole numbers or decimals",
        choices=[SelectChoice("0", "Whole numbers")]
        + [SelectChoice(str(n), f"Up to {n} decimal places") for n in range(1, 5)],
        widget=GovSelect(),
        validate_choice=False,
    )
    submit = SubmitField("Save question", widget=GovSubmitInput())

    def validate_max_choices(self, field: StringField) -> None:
        _optional_number(field.data, "Enter the most options as a whole number", whole=True)

    def validate_min_value(self, field: StringField) -> None:
        _optional_number(field.data, "Enter the smallest number allowed as a number, like 0")

    def validate_max_value(self, field: StringField) -> None:
        _optional_number(field.data, "Enter the largest number allowed as a number, like 500")

    def validate_decimals(self, field: SelectField) -> None:
        if (field.data or "0") not in {"0", "1", "2", "3", "4"}:
            raise ValidationError("Select whole numbers or a number of decimal places")

    def settings(self) -> dict[str, Any]:
        """The kind's settings as the service takes them (after validation)."""
        max_choices = _optional_number(self.max_choices.data, "", whole=True)
        return {
            "options": (self.options.data or "").replace("\r\n", "\n").split("\n"),
            "allow_other": bool(self.allow_other.data),
            "max_choices": int(max_choices) if max_choices is not None else None,
            "unit": self.unit.data or "",
            "min_value": _optional_number(self.min_value.data, ""),
            "max_value": _optional_number(self.max_value.data, ""),
            "decimals": int(self.decimals.data or "0"),
        }

    def fill(self, question: Any) -> None:
        """Show a stored question's settings."""
        self.kind.data = question.kind.value
        self.options.data = "\n".join(o.label for o in question.options)
        self.allow_other.data = question.allow_other
        self.max_choices.data = str(question.max_choices or "")
        self.unit.data = question.unit or ""
        self.min_value.data = _shown(question.min_value)
        self.max_value.data = _shown(question.max_value)
        self.decimals.data = str(question.decimals or 0)
        self.section.data = str(question.section_id or "")


def _shown(value: float | None) -> str:
    if value is None:
        return ""
    return str(int(value)) if float(value).is_integer() else str(value)


class SectionForm(Form):
    title = StringField(
        "Section title",
        widget=GovTextInput(),
        validators=[
            DataRequired(message="Enter the section's title"),
            Length(max=200, message="Title must be 200 characters or fewer"),
        ],
    )
    introduction = TextAreaField(
        "Introduction (optional)",
        description="Shown to councils under the section's title",
        widget=GovTextArea(),
        validators=[Length(max=5000, message="Introduction must be 5,000 characters or fewer")],
    )
    submit = SubmitField("Save section", widget=GovSubmitInput())


class DocumentForm(Form):
    file = FileField("Upload a file", widget=GovFileInput())
    title = StringField(
        "Title (optional)",
        widget=GovTextInput(),
        validators=[Length(max=200, message="Title must be 200 characters or fewer")],
    )
    submit = SubmitField("Upload document", widget=GovSubmitInput())


class ExtensionForm(Form):
    authority = SelectField(
        "Authority",
        widget=GovSelect(),
        validate_choice=False,
        validators=[InputRequired(message="Select the authority")],
    )
    day = GovDateField(
        "New deadline",
        description="For example, 14 4 2027",
        required=True,
        required_message="Enter the new deadline",
    )
    time = TimeField("Time")
    reason = TextAreaField(
        "Reason",
        widget=GovTextArea(),
        validators=[
            DataRequired(message="Enter the reason for the extension"),
            Length(max=500, message="Reason must be 500 characters or fewer"),
        ],
    )
    submit = SubmitField("Grant extension", widget=GovSubmitInput())


class StatedPositionForm(Form):
    meeting = SelectField(
        "Meeting",
        widget=GovSelect(),
        validate_choice=False,
        validators=[InputRequired(message="Select the meeting")],
    )
    authority = SelectField(
        "Authority",
        widget=GovSelect(),
        validate_choice=False,
        validators=[InputRequired(message="Select the authority")],
    )
    position = RadioField(
        "Position stated",
        choices=POSITION_CHOICES,
        widget=GovRadioInput(),
        validators=[InputRequired(message="Select the position stated")],
    )
    # Its length is checked by the service, against the configured limit.
    comment = TextAreaField("What was said (optional)", widget=GovTextArea())
    submit = SubmitField("Record position", widget=GovSubmitInput())


YES_NO_CHOICES = [SelectChoice(v.value, v.label) for v in YesNo]


def _label(question: Any, number: int) -> str:
    return f"{number}. {question.text}" + ("" if question.required else " (optional)")


def _kind_fields(question: Any, number: int) -> dict[str, Any]:
    """The fields that answer a question of one of the other kinds."""
    label = _label(question, number)
    hint = question.hint or ""
    kind = question.kind
    qid = question.id
    if kind is QuestionKind.YES_NO:
        return {
            f"choice_{qid}": RadioField(
                label,
                choices=YES_NO_CHOICES,
                widget=GovRadioInput(),
                description=hint,
                validate_choice=False,
            )
        }
    options = [SelectChoice(str(o.id), o.label) for o in question.options]
    if kind is QuestionKind.SINGLE_CHOICE:
        fields: dict[str, Any] = {
            f"choice_{qid}": RadioField(
                label,
                choices=options + ([SelectChoice(OTHER, "Other")] if question.allow_other else []),
                widget=GovRadioInput(),
                description=hint,
                validate_choice=False,
            )
        }
        if question.allow_other:
            fields[f"other_{qid}"] = StringField(
                "If you chose Other, please say", widget=GovTextInput()
            )
        return fields
    if kind is QuestionKind.MULTIPLE_CHOICE:
        limit = question.max_choices
        limit_hint = f"Select up to {limit}." if limit else "Select all that apply."
        return {
            f"choices_{qid}": SelectMultipleField(
                label,
                choices=options,
                widget=GovCheckboxesInput(),
                description=f"{hint} {limit_hint}".strip(),
                validate_choice=False,
            )
        }
    if kind is QuestionKind.NUMBER:
        return {f"number_{qid}": StringField(label, widget=GovTextInput(), description=hint)}
    if kind is QuestionKind.RANKING:
        ranks = [SelectChoice("", "Choose a rank")] + [
            SelectChoice(str(n), str(n)) for n in range(1, len(question.options) + 1)
        ]
        return {
            f"rank_{qid}_{o.id}": SelectField(
                o.label, choices=ranks, widget=GovSelect(), validate_choice=False
            )
            for o in question.options
        }
    if kind is QuestionKind.SHORT_TEXT:
        return {f"comment_{qid}": StringField(label, widget=GovTextInput(), description=hint)}
    return {f"comment_{qid}": TextAreaField(label, description=hint, widget=GovCharacterCount())}


def _add_answer_fields(form_class: type[FlaskForm], questions: list[Any]) -> None:
    """The overall position and the fields of each question, by its kind."""
    form_class.overall_position = RadioField(
        "Your authority's overall position",
        choices=POSITION_CHOICES,
        widget=GovRadioInput(),
        validate_choice=False,
    )
    form_class.overall_comment = TextAreaField(
        "Comment on the proposals as a whole (optional)",
        widget=GovCharacterCount(),
    )
    for number, question in enumerate(questions, start=1):
        label = f"{number}. {question.text}"
        if question.kind is QuestionKind.POSITION:
            setattr(
                form_class,
                f"position_{question.id}",
                RadioField(
                    label,
                    choices=POSITION_CHOICES,
                    widget=GovRadioInput(),
                    description=question.hint or "",
                    validate_choice=False,
                ),
            )
            setattr(
                form_class,
                f"comment_{question.id}",
                TextAreaField(
                    f"Comment on question {number} (optional)", widget=GovCharacterCount()
                ),
            )
        else:
            for name, made in _kind_fields(question, number).items():
                setattr(form_class, name, made)


def read_answers(form: FlaskForm, questions: list[Any]) -> dict[int, AnswerData]:
    """What the form says for each question, as entered (checked by the
    service)."""

    def position(value: Any) -> Position | None:
        try:
            return Position(value) if value else None
        except ValueError:
            return None

    def text(name: str) -> str:
        sent = getattr(form, name, None)
        data = sent.data if sent is not None else None
        return data if isinstance(data, str) else ""

    read: dict[int, AnswerData] = {}
    for question in questions:
        qid = question.id
        chosen = getattr(form, f"choices_{qid}", None)
        read[qid] = AnswerData(
            position=position(text(f"position_{qid}")),
            comment=text(f"comment_{qid}"),
            choice=text(f"choice_{qid}"),
            choices=[c for c in (chosen.data or []) if isinstance(c, str)] if chosen else [],
            number=text(f"number_{qid}"),
            ranks={o.id: text(f"rank_{qid}_{o.id}") for o in question.options},
            text=text(f"other_{qid}"),
        )
    return read


def fill_answers(form: FlaskForm, response: Any, questions: list[Any]) -> None:
    """Show a response's working answers in the form."""

    def put(name: str, value: Any) -> None:
        sent = getattr(form, name, None)
        if sent is not None:
            sent.data = value

    for question in questions:
        answer = response.answer_for(question.id)
        if answer is None:
            continue
        qid = question.id
        put(f"position_{qid}", answer.position.value if answer.position else None)
        put(f"comment_{qid}", answer.comment)
        put(f"choice_{qid}", answer.choice)
        put(f"other_{qid}", answer.text)
        put(f"choices_{qid}", [str(c) for c in answer.choices or []])
        put(
            f"number_{qid}",
            format_number(answer.number, question.decimals).replace(",", "")
            if answer.number is not None
            else "",
        )
        for rank, oid in enumerate(answer.ranking or [], start=1):
            put(f"rank_{qid}_{oid}", str(rank))


def build_response_form(questions: list[Any], limit: int, formdata: Any = None) -> FlaskForm:
    """A form with the overall position and one field pair per question."""

    class ResponseForm(Form):
        version = HiddenField()
        save = SubmitField("Save as draft", widget=GovSubmitInput())
        check = SubmitField("Continue to check your answers", widget=GovSubmitInput())

    _add_answer_fields(ResponseForm, questions)
    return ResponseForm(formdata=formdata) if formdata is not None else ResponseForm()


def build_letter_form(questions: list[Any]) -> FlaskForm:
    """The secretariat's form for a response received by letter or email:
    the authority, the letter's date, its original, and the answers it gives."""

    class LetterResponseForm(Form):
        authority = SelectField(
            "Authority",
            widget=GovSelect(),
            validate_choice=False,
            validators=[InputRequired(message="Select the authority")],
        )
        dated = GovDateField(
            "Date of the letter or email",
            description="For example, 14 4 2027",
            required=True,
            required_message="Enter the date of the letter or email",
        )
        file = FileField("The letter or email", widget=GovFileInput())
        submit = SubmitField("Enter the response", widget=GovSubmitInput())

    _add_answer_fields(LetterResponseForm, questions)
    return LetterResponseForm()


class AttachmentForm(Form):
    file = FileField("Upload a file", widget=GovFileInput())
    title = StringField(
        "Title (optional)",
        description="For example, Cabinet report of 3 March 2027",
        widget=GovTextInput(),
        validators=[Length(max=200, message="Title must be 200 characters or fewer")],
    )
    submit = SubmitField("Attach document", widget=GovSubmitInput())


class CompareForm(Form):
    """Which authorities' answers to set side by side, read from the address
    (a GET form): two or more authorities, or one or more with all members'
    figures."""

    class Meta:
        csrf = False  # a choice of what to show: it changes nothing

    authority = SelectMultipleField(
        "Which authorities?",
        description="Select two or more, or one and all members\u2019 answers. Only authorities "
        "whose response you can see are listed.",
        widget=GovCheckboxesInput(),
        validate_choice=False,
    )
    compare_with = SelectMultipleField(
        "Compare with",
        name="with",
        choices=[SelectChoice("all", "All members' answers")],
        widget=GovCheckboxesInput(),
        validate_choice=False,
    )

    def __init__(self, *args: Any, authorities: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.authority.choices = [SelectChoice(value, label) for value, label in authorities]
        self.offered = {value for value, _ in authorities}

    def validate_authority(self, field: SelectMultipleField) -> None:
        offered = self.offered
        chosen = field.data or []
        if any(value not in offered for value in chosen):
            raise ValidationError("Select authorities from the list")
        if len(set(chosen)) != len(chosen):
            raise ValidationError("Select each authority once")
        if not chosen:
            raise ValidationError("Select at least one authority")
        if len(chosen) < 2 and not self.with_all:
            raise ValidationError(
                "Select at least two authorities, or one and all members' answers"
            )

    def validate_compare_with(self, field: SelectMultipleField) -> None:
        if any(value != "all" for value in field.data or []):
            raise ValidationError("Select all members' answers, or nothing, to compare with")

    @property
    def with_all(self) -> bool:
        return "all" in (self.compare_with.data or [])

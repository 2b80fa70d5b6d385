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

from commission.consultations.models import LegislativeStage, Position, QuestionKind
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


class QuestionForm(Form):
    kind = RadioField(
        "Kind of question",
        choices=[
            SelectChoice(QuestionKind.POSITION.value, "Position on the scale, with a comment"),
            SelectChoice(QuestionKind.FREE_TEXT.value, "Free text"),
        ],
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
    submit = SubmitField("Save question", widget=GovSubmitInput())


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


def _add_answer_fields(form_class: type[FlaskForm], questions: list[Any]) -> None:
    """The overall position and one field pair per question."""
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
            setattr(
                form_class,
                f"comment_{question.id}",
                TextAreaField(
                    label + ("" if question.required else " (optional)"),
                    description=question.hint or "",
                    widget=GovCharacterCount(),
                ),
            )


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
        "Authorities", widget=GovCheckboxesInput(), validate_choice=False
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

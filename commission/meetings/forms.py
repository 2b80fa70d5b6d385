from __future__ import annotations

import re
from datetime import time
from typing import Any

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
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import URL, DataRequired, InputRequired, Length, NumberRange, Optional

from commission.forms import ChoiceRequired, Form, GovDateField
from commission.meetings.models import AgendaItemKind
from commission.meetings.services import ORDINALS, WEEKDAYS

TIME_PATTERN = re.compile(r"^(\d{1,2})(?:[:.](\d{2}))?\s*(am|pm)?$", re.IGNORECASE)
MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]


def parse_time(text: str) -> time | None:
    """'10:30', '10.30', '10:30am', '2pm' or '14:00'; None if not a time."""
    match = TIME_PATTERN.match(text.strip())
    if not match:
        return None
    hour, minute, suffix = int(match.group(1)), int(match.group(2) or 0), match.group(3)
    if suffix:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if suffix.lower() == "pm" else 0)
    if hour > 23 or minute > 59:
        return None
    return time(hour, minute)


class TimeField(StringField):
    """A time typed as people write it, in Europe/London."""

    def __init__(self, label: str, **kwargs: Any) -> None:
        kwargs.setdefault("widget", GovTextInput())
        kwargs.setdefault("description", "For example, 10:30 or 2pm")
        super().__init__(label, **kwargs)
        self.time: time | None = None

    def process_formdata(self, valuelist: list[Any]) -> None:
        super().process_formdata(valuelist)
        text = (self.data or "").strip()
        self.time = None
        if not text:
            raise ValueError(f"Enter the {self.label.text.lower()}")
        self.time = parse_time(text)
        if self.time is None:
            raise ValueError(f"Enter the {self.label.text.lower()} as a time, like 10:30 or 2pm")


class WholeNumberField(IntegerField):
    def process_formdata(self, valuelist: list[Any]) -> None:
        if not valuelist or not str(valuelist[0]).strip():
            self.data = None
            return
        try:
            self.data = int(str(valuelist[0]).strip())
        except ValueError as error:
            self.data = None
            raise ValueError(f"Enter the {self.label.text.lower()} as a whole number") from error


def _link_field() -> StringField:
    return StringField(
        "Online joining link (optional)",
        description="Shown only to signed-in members. For example, https://teams.microsoft.com/…",
        widget=GovTextInput(),
        validators=[
            Optional(),
            Length(max=500, message="The link must be 500 characters or fewer"),
            URL(require_tld=True, message="Enter a full web address starting with https://"),
        ],
    )


def _venue_field() -> StringField:
    return StringField(
        "Venue (optional)",
        description="For example, 2 Marsham Street, London SW1P 4DF",
        widget=GovTextInput(),
        validators=[Length(max=300, message="Venue must be 300 characters or fewer")],
    )


class ScheduleForm(Form):
    year = WholeNumberField(
        "Year",
        widget=GovTextInput(),
        validators=[
            InputRequired(message="Enter the year"),
            NumberRange(min=2026, max=2100, message="Enter a year from 2026 to 2100"),
        ],
    )
    ordinal = SelectField(
        "Week of the month",
        choices=[SelectChoice(key, key.capitalize()) for key in ORDINALS],
        widget=GovSelect(),
        validators=[ChoiceRequired(message="Select which week of the month")],
    )
    weekday = SelectField(
        "Day of the week",
        choices=[SelectChoice(str(i), name) for i, name in enumerate(WEEKDAYS)],
        widget=GovSelect(),
        validators=[ChoiceRequired(message="Select the day of the week")],
    )
    starts = TimeField("Start time")
    ends = TimeField("End time")
    skip_months = SelectMultipleField(
        "Months with no meeting",
        choices=[SelectChoice(str(i), name) for i, name in enumerate(MONTHS, start=1)],
        widget=GovCheckboxesInput(),
        validators=[Optional()],
    )
    venue = _venue_field()
    online_link = _link_field()
    preview = SubmitField("Preview the dates", widget=GovSubmitInput())


class MeetingForm(Form):
    day = GovDateField(
        "Date",
        description="For example, 9 2 2027",
        required=True,
        required_message="Enter the date of the meeting",
    )
    starts = TimeField("Start time")
    ends = TimeField("End time")
    venue = _venue_field()
    online_link = _link_field()
    submit = SubmitField("Save meeting", widget=GovSubmitInput())


class ReasonForm(Form):
    reason = TextAreaField(
        "Reason",
        description="This is shown publicly",
        widget=GovTextArea(),
        validators=[
            DataRequired(message="Enter the reason"),
            Length(max=500, message="Reason must be 500 characters or fewer"),
        ],
    )
    submit = SubmitField("Cancel meeting", widget=GovSubmitInput())


class PostponeForm(Form):
    day = GovDateField(
        "New date",
        description="For example, 16 2 2027",
        required=True,
        required_message="Enter the new date",
    )
    starts = TimeField("Start time")
    ends = TimeField("End time")
    reason = TextAreaField(
        "Reason",
        description="This is shown publicly",
        widget=GovTextArea(),
        validators=[
            DataRequired(message="Enter the reason"),
            Length(max=500, message="Reason must be 500 characters or fewer"),
        ],
    )
    submit = SubmitField("Postpone meeting", widget=GovSubmitInput())


class AgendaItemForm(Form):
    kind = SelectField(
        "Kind of item",
        choices=[SelectChoice(k.value, k.label) for k in AgendaItemKind],
        widget=GovSelect(),
        validators=[ChoiceRequired(message="Select the kind of item")],
    )
    title = StringField(
        "Title",
        widget=GovTextInput(),
        validators=[
            DataRequired(message="Enter a title"),
            Length(max=200, message="Title must be 200 characters or fewer"),
        ],
    )
    duration_minutes = WholeNumberField(
        "Duration in minutes",
        widget=GovTextInput(),
        validators=[InputRequired(message="Enter the duration in minutes")],
    )
    presenter = StringField(
        "Presenter (optional)",
        description="For example, Secretary of State for Education",
        widget=GovTextInput(),
        validators=[Length(max=200, message="Presenter must be 200 characters or fewer")],
    )
    description = TextAreaField(
        "Description (optional)",
        description="You can use Markdown: **bold**, lists with -, and links",
        widget=GovCharacterCount(),
        validators=[Length(max=5000, message="Description must be 5,000 characters or fewer")],
    )
    consultation = SelectField(
        "Consultation discussed (optional)",
        description="For a consultation item: the consultation's status and closing date are "
        "shown on the agenda",
        widget=GovSelect(),
        validate_choice=False,
    )
    confidential = BooleanField(
        "Confidential: shown only to signed-in members", widget=GovCheckboxInput()
    )
    submit = SubmitField("Save item", widget=GovSubmitInput())


class PaperForm(Form):
    file = FileField(
        "Upload a file",
        description="PDF, DOCX, ODT, XLSX or CSV, smaller than 20 MB",
        widget=GovFileInput(),
    )
    title = StringField(
        "Title (optional)",
        description="Leave blank to use the file name",
        widget=GovTextInput(),
        validators=[Length(max=200, message="Title must be 200 characters or fewer")],
    )
    visibility = RadioField(
        "Who can see it",
        choices=[
            SelectChoice("public", "Everyone, once the agenda is published"),
            SelectChoice("restricted", "Signed-in members of the Commission only"),
        ],
        default="public",
        widget=GovRadioInput(),
        validators=[InputRequired(message="Select who can see the paper")],
    )
    submit = SubmitField("Upload paper", widget=GovSubmitInput())

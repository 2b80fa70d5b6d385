"""The feedback form."""

from __future__ import annotations

from enum import StrEnum

from govuk_frontend_wtf.wtforms_widgets import (
    GovCharacterCount,
    GovRadioInput,
    GovSubmitInput,
    GovTextInput,
)
from wtforms import HiddenField, RadioField, StringField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Email, InputRequired, Length, Optional

from commission.forms import EMAIL_FORMAT_MESSAGE, Form

FEEDBACK_MAX_LENGTH = 2000


class Satisfaction(StrEnum):
    VERY_SATISFIED = "very_satisfied"
    SATISFIED = "satisfied"
    NEITHER = "neither"
    DISSATISFIED = "dissatisfied"
    VERY_DISSATISFIED = "very_dissatisfied"

    @property
    def label(self) -> str:
        return {
            "very_satisfied": "Very satisfied",
            "satisfied": "Satisfied",
            "neither": "Neither satisfied nor dissatisfied",
            "dissatisfied": "Dissatisfied",
            "very_dissatisfied": "Very dissatisfied",
        }[self.value]


class FeedbackForm(Form):
    satisfaction = RadioField(
        "Overall, how did you feel about the service you used today? (optional)",
        choices=[SelectChoice(s.value, s.label) for s in Satisfaction],
        widget=GovRadioInput(),
        validators=[Optional()],
    )
    details = TextAreaField(
        "How could we improve this service?",
        description="Do not include personal or financial information, like your "
        "National Insurance number or a password.",
        widget=GovCharacterCount(),
        validators=[
            InputRequired(message="Enter how we could improve this service"),
            Length(
                max=FEEDBACK_MAX_LENGTH,
                message=f"Feedback must be {FEEDBACK_MAX_LENGTH:,} characters or fewer",
            ),
        ],
    )
    reply_to = StringField(
        "Email address (optional)",
        description="If you would like a reply from the Commission secretariat",
        widget=GovTextInput(),
        validators=[
            Optional(),
            Length(max=254, message="Email address must be 254 characters or fewer"),
            Email(message=EMAIL_FORMAT_MESSAGE, check_deliverability=False),
        ],
        filters=[lambda value: value.strip() if isinstance(value, str) else value],
    )
    page = HiddenField()
    submit = SubmitField("Send feedback", widget=GovSubmitInput())

from __future__ import annotations

from govuk_frontend_wtf.wtforms_widgets import GovRadioInput, GovSubmitInput, GovTextInput
from wtforms import RadioField, StringField, SubmitField
from wtforms.validators import DataRequired, InputRequired, Length

from commission.forms import Form
from commission.tokens.services import LIFETIMES, MAX_NAME


class TokenForm(Form):
    name = StringField(
        "Name",
        description="What it is for, so you can tell your tokens apart, such as "
        "“Weekly figures script”",
        widget=GovTextInput(),
        validators=[
            DataRequired(message="Enter a name for the token"),
            Length(max=MAX_NAME, message=f"Name must be {MAX_NAME} characters or fewer"),
        ],
    )
    days = RadioField(
        "How long it works",
        choices=[(str(days), label) for days, label in LIFETIMES.items()],
        default="90",
        widget=GovRadioInput(),
        validators=[InputRequired(message="Choose how long the token works")],
    )
    submit = SubmitField("Make the token", widget=GovSubmitInput())

"""The comments page's form: add or remove a theme on many comments at once."""

from __future__ import annotations

from govuk_frontend_wtf.wtforms_widgets import GovRadioInput, GovSelect, GovTextInput
from wtforms import RadioField, SelectField, SelectMultipleField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length

from commission.forms import Form

SELECTED = "selected"
ALL_SHOWN = "all"
ADD = "add"
REMOVE = "remove"


class BulkThemesForm(Form):
    """The comments are chosen with a check box on each comment (``answers``)
    or as every comment the filters show (``scope``); the theme is one that
    exists already or a new one."""

    answers = SelectMultipleField("Comments", validate_choice=False)
    scope = RadioField(
        "Which comments",
        choices=[
            SelectChoice(SELECTED, "The comments I have ticked above"),
            SelectChoice(ALL_SHOWN, "All the comments these filters show"),
        ],
        default=SELECTED,
        widget=GovRadioInput(),
        validators=[InputRequired(message="Select which comments to change")],
    )
    change = RadioField(
        "Add or remove the theme",
        choices=[SelectChoice(ADD, "Add the theme"), SelectChoice(REMOVE, "Remove the theme")],
        default=ADD,
        widget=GovRadioInput(),
        validators=[InputRequired(message="Select whether to add or remove the theme")],
    )
    existing_theme = SelectField(
        "Theme to add or remove", widget=GovSelect(), validate_choice=False
    )
    new_theme = StringField(
        "Or a new theme",
        widget=GovTextInput(),
        validators=[Length(max=60, message="A theme must be 60 characters or fewer")],
    )

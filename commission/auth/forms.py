from __future__ import annotations

from govuk_frontend_wtf.wtforms_widgets import GovPasswordInput, GovSubmitInput
from wtforms import PasswordField, SubmitField
from wtforms.validators import EqualTo, InputRequired, Length

from commission.auth.passwords import MAX_LENGTH
from commission.forms import Form, email_field

PASSWORD_HINT = (
    "Use 12 characters or more. A good way to make a strong password is to use three random words"  # noqa: S105
)


def _new_password_field() -> PasswordField:
    return PasswordField(
        "New password",
        description=PASSWORD_HINT,
        widget=GovPasswordInput(),
        validators=[
            InputRequired(message="Enter a new password"),
            Length(max=MAX_LENGTH, message=f"Password must be {MAX_LENGTH} characters or fewer"),
        ],
    )


def _confirm_field() -> PasswordField:
    return PasswordField(
        "Confirm new password",
        widget=GovPasswordInput(),
        validators=[
            InputRequired(message="Confirm your new password"),
            EqualTo("password", message="The passwords do not match"),
        ],
    )


class SignInForm(Form):
    email = email_field()
    password = PasswordField(
        "Password",
        widget=GovPasswordInput(),
        validators=[
            InputRequired(message="Enter your password"),
            Length(max=MAX_LENGTH, message=f"Password must be {MAX_LENGTH} characters or fewer"),
        ],
    )
    submit = SubmitField("Sign in", widget=GovSubmitInput())


class ForgotPasswordForm(Form):
    email = email_field(hint="The email address you use to sign in")
    submit = SubmitField("Send reset link", widget=GovSubmitInput())


class SetPasswordForm(Form):
    password = _new_password_field()
    confirm = _confirm_field()
    submit = SubmitField("Set password", widget=GovSubmitInput())


class ChangePasswordForm(Form):
    current_password = PasswordField(
        "Current password",
        widget=GovPasswordInput(),
        validators=[
            InputRequired(message="Enter your current password"),
            Length(max=MAX_LENGTH, message=f"Password must be {MAX_LENGTH} characters or fewer"),
        ],
    )
    password = _new_password_field()
    confirm = _confirm_field()
    submit = SubmitField("Change password", widget=GovSubmitInput())


class SignOutForm(Form):
    submit = SubmitField("Sign out", widget=GovSubmitInput())

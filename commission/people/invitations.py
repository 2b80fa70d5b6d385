"""The invitation email: a signed link to set a password, sent straight away
(not through the outbox) by whoever invites the person."""

from __future__ import annotations

from flask import current_app, render_template

from commission.auth.models import User
from commission.links import external_url
from commission.mail import Email, MailError, send


def send_invitation(user: User, signed_token: str, *, inviter: User) -> bool:
    """Email the invitation link to ``user``; False if the mail server refused it
    (the invitation stands and can be sent again)."""
    link = external_url("auth.set_password", token=signed_token)
    days = current_app.config["INVITATION_MAX_AGE_SECONDS"] // 86400
    body = render_template("email/invitation.txt", user=user, link=link, days=days, inviter=inviter)
    try:
        send(
            Email(
                to=user.email,
                subject="You have been invited to the Local Government Commission",
                body=body,
            )
        )
    except MailError:
        return False
    return True

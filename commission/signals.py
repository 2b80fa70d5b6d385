"""Domain events: an area announces what happened; whoever cares listens.

Each event is a blinker signal. The service where the change is made sends it
once the change is in the session (flushed), inside the same transaction, so
whatever a receiver adds (an email in the outbox, an audit event) is saved or
rolled back with the change itself. An area never imports its listeners:
notifications and the audit log connect their receivers once, when the app is
created (``create_app``).

The sender is the record the event is about; the payload is keyword
arguments. Every event carries ``actor``, the person who made the change.
The list, with payloads, is in docs/events.md; keep the two together.
"""

from __future__ import annotations

from blinker import Namespace

_events = Namespace()

# Meetings: sender is the Meeting unless said otherwise.
meetings_scheduled = _events.signal(
    "meetings-scheduled", doc="A year scheduled. Sender: the ScheduleRule; meetings."
)
meeting_confirmed = _events.signal("meeting-confirmed", doc="A draft meeting made public.")
meeting_cancelled = _events.signal("meeting-cancelled", doc="Called off. Payload: reason.")
meeting_postponed = _events.signal(
    "meeting-postponed",
    doc="Moved to a new meeting. Payload: new, reason, reinvited (invitations sent again).",
)
agenda_published = _events.signal("agenda-published", doc="The agenda made public.")
agenda_changed = _events.signal(
    "agenda-changed", doc="A published agenda changed. Payload: summary of the change."
)

# Ministers: sender is the MinisterialAttendance (the invitation).
minister_invited = _events.signal("minister-invited", doc="A minister (or the chair) invited.")
minister_replied = _events.signal("minister-replied", doc="An invited minister replied.")

# Consultations.
consultation_opened = _events.signal("consultation-opened", doc="Sender: the Consultation.")
extension_granted = _events.signal(
    "extension-granted", doc="Sender: the Extension. Payload: consultation."
)
response_ready = _events.signal("response-ready", doc="Sender: the Response, ready to sign off.")
response_submitted = _events.signal(
    "response-submitted",
    doc="Sender: the Response, signed off. Payload: amended (an earlier submission existed).",
)
letter_response_confirmed = _events.signal(
    "letter-response-confirmed",
    doc="Sender: the Response entered from a letter or email, confirmed by a second "
    "member of the secretariat: it now counts.",
)

# Summaries: sender is the Consultation.
summary_published = _events.signal("summary-published", doc="Payload: snapshot.")
reply_published = _events.signal("reply-published", doc="Payload: reply.")

# Accounts.
password_reset_asked = _events.signal(
    "password-reset-asked",
    doc="Someone asked for a reset link. Sender: the email address typed (an account "
    "may or may not have it). Payload: ip_address.",
)

# Minutes: sender is the Minutes.
minutes_approved = _events.signal("minutes-approved", doc="Approved by the chair: published.")

# Feedback: sender is the Feedback (what was sent; not a stored record).
feedback_sent = _events.signal(
    "feedback-sent",
    doc="Feedback on the service sent through the feedback page. Payload: ip_address.",
)

"""Access rules: every endpoint declares one, and each role gets what it should.

The matrix requests every endpoint as an anonymous visitor and as a person
holding each role, and checks the outcome against the declared rule. Adding a
route without a rule, or with a rule this table does not expect, fails here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import pytest
from flask import Flask, url_for

from commission import access
from commission.access import RuleKind
from commission.auth.roles import Role
from commission.consultations.models import QuestionSection
from commission.meetings.models import MeetingStatus
from commission.timeutil import today
from commission.tokens.services import create_token
from tests import factories
from tests.pages import expect

ROLES: list[Role | None] = [None, *Role]


def _endpoints(app: Flask) -> list[str]:
    return sorted({rule.endpoint for rule in app.url_map.iter_rules()})


def test_every_endpoint_declares_an_access_rule(app):
    missing = [
        endpoint
        for endpoint in _endpoints(app)
        if getattr(app.view_functions[endpoint], access.RULE_ATTRIBUTE, None) is None
    ]
    assert missing == [], f"endpoints without an access rule: {missing}"


def test_an_endpoint_without_a_rule_is_refused(app, app_ctx):
    """Fail closed: a view someone forgot to declare answers 500, never 200."""
    from commission import create_app

    other = create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
            "MAIL_BACKEND": "memory",
        }
    )
    other.add_url_rule("/undeclared", "undeclared", lambda: "undeclared-view-body")
    response = other.test_client().get("/undeclared")
    expect(response, 500)
    assert b"undeclared-view-body" not in response.data


@dataclass
class Target:
    endpoint: str
    url: str
    methods: frozenset[str]


@pytest.fixture
def targets(app, app_ctx) -> dict[str, Target]:
    """A real URL for every endpoint, with records to point at."""
    person = factories.user(role=Role.OFFICER, full_name="Matrix Person")
    appointment = person.appointments[0]
    invited = factories.user(role=Role.LEADER, password=None, full_name="Matrix Invitee")
    council = factories.council(name="Matrix Council")
    deputy = factories.user(role=Role.DEPUTY, full_name="Matrix Deputy")
    deputy_appointment = deputy.appointments[0]
    deputy_appointment.set_authority(council)
    delegation = factories.delegation(appointment=deputy_appointment)
    team = {"slug": council.slug, "appointment_id": deputy_appointment.id}
    meeting = factories.meeting(published=True)
    item = factories.agenda_item(meeting=meeting)
    paper = factories.paper(item=item)
    on_item = {"slug": meeting.slug, "item_id": item.id}
    invitation = factories.ministerial_invitation(meeting=meeting)
    consultation = factories.consultation()
    document = factories.consultation_document(consultation=consultation)
    signed_off = factories.submitted_response(consultation=consultation, authority=council)
    attachment = factories.response_attachment(response=signed_off, in_submitted=True)
    question = consultation.questions[0]
    section = QuestionSection(position=1, title="Delivery")
    consultation.sections.append(section)
    on_consultation = {"reference": consultation.reference}
    on_response = {**on_consultation, "slug": council.slug}
    on_attachment = {**on_response, "attachment_id": attachment.id}
    by_letter = factories.council(name="Matrix Letter Council")
    factories.letter_response(
        consultation=consultation,
        authority=by_letter,
        entered_by=factories.user(role=Role.SECRETARIAT, full_name="Matrix Entrant"),
    )
    on_letter = {**on_consultation, "slug": by_letter.slug}
    snapshot = factories.summary_snapshot(consultation=consultation, meeting=meeting)
    answer = factories.first_answer(consultation=consultation)
    held = factories.meeting(
        starts_at=factories.london_time(today() - timedelta(days=7), 10, 30),
        status=MeetingStatus.HELD,
    )
    factories.draft_minutes(meeting=held)
    action = factories.action(meeting=held)
    on_held = {"slug": held.slug}
    message = factories.outbox_message(user=person)
    policy = factories.policy(consultations=[consultation])
    on_policy = {"slug": policy.slug}
    on_stage = {**on_policy, "stage_id": policy.stages[0].id}
    person.calendar_token = "matrix-calendar-token-0123456789"
    token = create_token(name="Matrix token", days=30, actor=person)
    values = {
        "static": {"filename": "css/app.css"},
        "pages.govuk_assets": {"filename": "images/favicon.svg"},
        "auth.set_password": {"token": "not-a-real-token"},
        "people.show_person": {"user_id": person.id},
        "people.add_appointment": {"user_id": person.id},
        "people.end_appointment": {"user_id": person.id, "appointment_id": appointment.id},
        "people.deactivate_person": {"user_id": person.id},
        "people.reactivate_person": {"user_id": person.id},
        "people.resend_invitation": {"user_id": invited.id},
        "authorities.download_authorities": {"file_format": "csv"},
        "authorities.show_authority": {"slug": council.slug},
        "authorities.show_positions": {"slug": council.slug},
        "authorities.download_positions": {"slug": council.slug},
        "authorities.record_control": {"slug": council.slug},
        "authorities.add_membership": {"slug": council.slug},
        "authorities.end_membership": {"slug": council.slug},
        "authorities.invite_team_member": {"slug": council.slug},
        "authorities.end_team_appointment": team,
        "authorities.add_delegation": team,
        "authorities.end_delegation": {**team, "delegation_id": delegation.id},
        "meetings.show_meeting": {"slug": meeting.slug},
        "meetings.meeting_calendar": {"slug": meeting.slug},
        "meetings.agenda_pack": {"slug": meeting.slug},
        "meetings.download_paper": {"paper_id": paper.id, "filename": paper.filename},
        "meetings.edit_meeting": {"slug": meeting.slug},
        "meetings.change_status": {"slug": meeting.slug, "action": "held"},
        "meetings.cancel_meeting": {"slug": meeting.slug},
        "meetings.delete_meeting": {"slug": meeting.slug},
        "meetings.postpone_meeting": {"slug": meeting.slug},
        "meetings.edit_agenda": {"slug": meeting.slug},
        "meetings.add_item": {"slug": meeting.slug},
        "meetings.edit_item": on_item,
        "meetings.remove_item": on_item,
        "meetings.move_item": on_item,
        "meetings.add_paper": on_item,
        "meetings.replace_paper": {**on_item, "paper_id": paper.id},
        "attendance.reply": {"slug": meeting.slug},
        "attendance.list_replies": {"slug": meeting.slug},
        "attendance.download_replies": {"slug": meeting.slug},
        "attendance.manage_ministers": {"slug": meeting.slug},
        "attendance.respond": {"slug": meeting.slug, "invitation_id": invitation.id},
        "attendance.take_register": {"slug": meeting.slug},
        "attendance.show_attendance": {"slug": meeting.slug},
        "attendance.download_attendance": {"slug": meeting.slug},
        "consultations.show_consultation": on_consultation,
        "consultations.edit_consultation": on_consultation,
        "consultations.add_question": on_consultation,
        "consultations.add_section": on_consultation,
        "consultations.edit_section": {**on_consultation, "section_id": section.id},
        "consultations.remove_section": {**on_consultation, "section_id": section.id},
        "consultations.move_section": {**on_consultation, "section_id": section.id},
        "consultations.edit_question": {**on_consultation, "question_id": question.id},
        "consultations.remove_question": {**on_consultation, "question_id": question.id},
        "consultations.move_question": {**on_consultation, "question_id": question.id},
        "consultations.preview": on_consultation,
        "consultations.open_consultation": on_consultation,
        "consultations.add_document": on_consultation,
        "consultations.download_document": {
            "document_id": document.id,
            "filename": document.filename,
        },
        "consultations.manage_extensions": on_consultation,
        "consultations.record_stated": on_consultation,
        "consultations.respond": on_response,
        "consultations.check_answers": on_response,
        "consultations.confirmation": on_response,
        "consultations.response_history": on_response,
        "consultations.response_pdf": on_response,
        "consultations.add_attachment": on_response,
        "consultations.remove_attachment": on_attachment,
        "consultations.download_attachment": {**on_attachment, "filename": attachment.filename},
        "consultations.enter_letter": on_consultation,
        "consultations.confirm_letter": on_letter,
        "consultations.discard_letter": on_letter,
        "consultations.withdraw_letter": on_response,
        "consultations.compare": on_consultation,
        "summaries.show_summary": on_consultation,
        "summaries.download_summary": {**on_consultation, "file_format": "csv"},
        "summaries.list_comments": on_consultation,
        "summaries.show_snapshot": {**on_consultation, "snapshot_id": snapshot.id},
        "summaries.show_question": {**on_consultation, "number": 1},
        "summaries.show_snapshot_question": {
            **on_consultation,
            "snapshot_id": snapshot.id,
            "number": 1,
        },
        "summaries.tag_comment": {**on_consultation, "answer_id": answer.id},
        "summaries.tag_comments": on_consultation,
        "summaries.freeze_summary": on_consultation,
        "summaries.publish_summary": on_consultation,
        "summaries.edit_reply": on_consultation,
        "summaries.publish_reply": on_consultation,
        "minutes.show_minutes": on_held,
        "minutes.minutes_pdf": on_held,
        "minutes.edit_minutes": on_held,
        "minutes.approve_minutes": on_held,
        "minutes.correct_minutes": on_held,
        "minutes.add_decision": on_held,
        "minutes.add_action": on_held,
        "minutes.show_action": {"action_id": action.id},
        "notifications.unsubscribe": {"token": "not-a-real-token"},
        "notifications.resend_message": {"message_id": message.id},
        "notifications.remind_authorities": on_consultation,
        "notifications.calendar_feed": {"token": person.calendar_token},
        "policies.show_policy": on_policy,
        "policies.edit_policy": on_policy,
        "policies.link_consultation": on_policy,
        "policies.unlink_consultation": on_stage,
        "policies.move_stage": on_stage,
        "audit.record_history": {"record_type": "agenda_items", "record_id": item.id},
        "api.show_authority": {"authority_id": council.slug},
        "api.show_meeting": {"slug": meeting.slug},
        "api.show_consultation": on_consultation,
        "api.show_summary": on_consultation,
        "api.list_positions": on_consultation,
        "datasets.consultation_csv": on_consultation,
        "datasets.consultation_descriptor": on_consultation,
        "oparl.list_objects": {"kind": "meeting"},
        "oparl.show_object": {"kind": "meeting", "key": str(meeting.id)},
        "oparl.file_content": {"paper_id": paper.id, "filename": paper.filename},
        "tokens.revoke_token": {"token_id": token.token.id},
        "search.search": {"q": "matrix"},
    }
    result = {}
    for rule in app.url_map.iter_rules():
        with app.test_request_context():
            url = url_for(rule.endpoint, **values.get(rule.endpoint, {}))
        result[rule.endpoint] = Target(rule.endpoint, url, frozenset(rule.methods or ()))
    return result


# Outcomes that differ from what the rule alone implies, because the record a
# valid URL points at is itself the answer (a bogus link is a clear 404 page).
SPECIAL_GET_STATUS = {
    "auth.set_password": 404,
    "notifications.unsubscribe": 404,
    # The API shows a published summary only, to everyone alike; the
    # matrix's consultation has a snapshot frozen for a meeting, not published.
    "api.show_summary": 404,
    "api.list_positions": 404,
    # The bulk datasets hold published summaries only, as the API does.
    "datasets.consultation_csv": 404,
    "datasets.consultation_descriptor": 404,
    # Another person's token is not found on your tokens' pages.
    "tokens.revoke_token": 404,
}
# An unpublished summary is seen only by the secretariat, the chair and the
# lead department's ministers (the matrix's minister is in another department).
DRAFT_RECORDS = {"minutes.show_minutes", "minutes.minutes_pdf"}
LIVE_SUMMARY = {
    "summaries.show_summary",
    "summaries.download_summary",
    "summaries.list_comments",
    "summaries.show_snapshot",
    "summaries.show_question",
    "summaries.show_snapshot_question",
    # A signed-off response's documents follow the response: before the
    # summary is published, its authority, the secretariat, the chair and the
    # lead department's ministers.
    "consultations.download_attachment",
}
# Changing a response's documents, or withdrawing a response entered from a
# letter, is for the authority's own people: the secretariat only reads.
AUTHORITY_ONLY = {
    "consultations.add_attachment",
    "consultations.remove_attachment",
    "consultations.withdraw_letter",
}
# The attendance record of a meeting not yet held is the secretariat's alone.
ATTENDANCE_RECORD = {"attendance.show_attendance", "attendance.download_attendance"}
SPECIAL_ROLE_STATUS = {(endpoint, Role.SECRETARIAT): 200 for endpoint in ATTENDANCE_RECORD}


def expected_get_status(app: Flask, endpoint: str, role: Role | None) -> int:
    rule = getattr(app.view_functions[endpoint], access.RULE_ATTRIBUTE)
    signed_in = role is not None
    if rule.kind is RuleKind.PUBLIC:
        if endpoint in DRAFT_RECORDS:
            return 200 if role in {Role.SECRETARIAT, Role.CHAIR} else 404
        if endpoint in LIVE_SUMMARY:
            return 200 if role in {Role.SECRETARIAT, Role.CHAIR} else 404
        if endpoint in ATTENDANCE_RECORD:
            return SPECIAL_ROLE_STATUS.get((endpoint, role), 404)
        return SPECIAL_GET_STATUS.get(endpoint, 200)
    if rule.kind is RuleKind.ANONYMOUS_ONLY:
        return 302 if signed_in else 200
    if not signed_in:
        return 302
    if rule.kind is RuleKind.ROLES:
        return 200 if role in rule.roles else 403
    if rule.kind is RuleKind.SIGNED_IN:
        return SPECIAL_GET_STATUS.get(endpoint, 200)
    # Object policies: the people in this matrix hold their roles at other
    # authorities, so only the secretariat passes; see test_object_policies.
    # Replying is for any member authority's own people, and every authority in
    # this matrix is a member.
    if endpoint in AUTHORITY_ONLY:
        return 403
    if endpoint == "minutes.show_action":
        return 200  # anyone signed in reads an action; only owners update it
    if endpoint == "attendance.reply":
        return 200 if role in {Role.SECRETARIAT, Role.LEADER, Role.MAYOR, Role.OFFICER} else 403
    return SPECIAL_GET_STATUS.get(endpoint, 200 if role is Role.SECRETARIAT else 403)


def _explain(app, endpoint):
    return getattr(app.view_functions[endpoint], access.RULE_ATTRIBUTE).describe()


@pytest.mark.parametrize("role", ROLES, ids=lambda r: r.value if r else "anonymous")
def test_get_matrix(app, client, login_as, targets, role):
    if role is not None:
        login_as(role, full_name=f"Matrix {role.label}")
    failures = []
    for endpoint, target in sorted(targets.items()):
        if "GET" not in target.methods:
            continue
        response = client.get(target.url)
        expected = expected_get_status(app, endpoint, role)
        if response.status_code != expected:
            failures.append(
                f"{endpoint} ({_explain(app, endpoint)}) GET {target.url}: "
                f"expected {expected}, got {response.status_code}"
            )
        elif expected == 302 and role is None:
            assert "/sign-in" in response.headers["Location"], endpoint
    assert failures == []


@pytest.mark.parametrize("role", ROLES, ids=lambda r: r.value if r else "anonymous")
def test_post_matrix_refuses_the_wrong_people(app, client, login_as, targets, role):
    """Anyone who may not see a form may not send it either: anonymous visitors
    are sent to sign in and people without the role get 403, with no change."""
    if role is not None:
        login_as(role, full_name=f"Matrix {role.label}")
    failures = []
    for endpoint, target in sorted(targets.items()):
        if "POST" not in target.methods:
            continue
        rule = getattr(app.view_functions[endpoint], access.RULE_ATTRIBUTE)
        if rule.kind in {RuleKind.PUBLIC, RuleKind.ANONYMOUS_ONLY}:
            continue
        expected = expected_get_status(app, endpoint, role)
        if expected == 200:
            continue
        response = client.post(target.url, data={})
        if response.status_code != expected:
            failures.append(
                f"{endpoint} ({_explain(app, endpoint)}) POST: expected {expected}, "
                f"got {response.status_code}"
            )
    assert failures == []


@pytest.mark.parametrize("role", [Role.LEADER, Role.DEPUTY, Role.OFFICER])
def test_object_policies_for_the_authoritys_own_people(app, client, targets, role):
    """The team pages of a council are open to its own leader, and to nobody
    else at the council: deputies and officers see the team but cannot manage it."""
    council = factories.authority_by_slug(
        targets["authorities.show_authority"].url.rsplit("/", 1)[1]
    )
    own = factories.user(role=role, full_name=f"Own {role.label}")
    own.appointments[0].set_authority(council)
    factories.db.session.flush()
    with client.session_transaction() as session:
        session["_user_id"] = own.get_id()
    failures = []
    for endpoint, target in sorted(targets.items()):
        rule = getattr(app.view_functions[endpoint], access.RULE_ATTRIBUTE)
        if rule.kind is not RuleKind.POLICY or not endpoint.startswith("authorities."):
            continue
        expected = 200 if role is Role.LEADER else 403
        status = client.get(target.url).status_code
        if status != expected:
            failures.append(f"{endpoint} as own {role.value}: expected {expected}, got {status}")
    assert failures == []
    shown = client.get(targets["authorities.show_authority"].url).get_data(as_text=True)
    assert "Matrix Deputy" in shown


def test_templates_only_offer_links_people_may_follow(client, login_as):
    """The header shows People and Audit log only to the secretariat."""
    login_as(Role.OFFICER)
    html = client.get("/").get_data(as_text=True)
    assert 'href="/people"' not in html
    assert 'href="/audit"' not in html
    client.get("/")
    login_as(Role.SECRETARIAT)
    html = client.get("/").get_data(as_text=True)
    assert 'href="/people"' in html
    assert 'href="/audit"' in html

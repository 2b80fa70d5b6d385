"""A policy's journey to law: the secretariat links consultations into a
policy and orders them; /policies/<slug> shows each stage, its published
headline and reply, and how councils' positions moved between stages (per
authority and by control at the later response), each position seen only by
those who may see it; the consultations list filters by policy and stage."""

from __future__ import annotations

from datetime import timedelta

import pytest

from commission.auth.roles import Role
from commission.consultations.models import ConsultationStatus, LegislativeStage, Position
from commission.extensions import db
from commission.membership.models import Control
from commission.policies.models import Policy, PolicyStage
from commission.summaries.models import GovernmentReply
from commission.timeutil import now_utc
from tests import factories
from tests.conftest import audit_events, count_statements
from tests.pages import (
    banner,
    error_summary,
    expect,
    form_fields,
    heading,
    main_text,
    ok,
    page,
    sign_in,
    table_records,
    table_rows,
)

MOVES = "table.app-policy-moves"
AUTHORITIES = "table.app-policy-authorities"


def closed_consultation(stage: LegislativeStage, **kwargs):
    now = now_utc()
    consultation = factories.consultation(
        opens_at=now - timedelta(days=40), closes_at=now - timedelta(days=1), **kwargs
    )
    consultation.stage = stage
    return consultation


def publish(consultation) -> None:
    consultation.status = ConsultationStatus.SUMMARY_PUBLISHED
    factories.summary_snapshot(consultation=consultation, published=True)


def respond(consultation, authority, position: Position, control: Control | None = None):
    response = factories.submitted_response(
        consultation=consultation, authority=authority, position=position
    )
    if control is not None:
        response.control_at_submission = control.value
    return response


@pytest.fixture
def journey():
    """English devolution: a green paper and a white paper, both published,
    then a draft bill still open.

    ==========  ===========  ========================  ==================  ===================
    authority   green paper  white paper (control)     draft bill          1 → 2
    ==========  ===========  ========================  ==================  ===================
    Ashford     oppose       with amendments (Con)     support (Lab, now)  towards support
    Barton      support      oppose (Con)              oppose (Con)        towards opposition
    Carlow      neutral      no position (Lab)         —                   unchanged
    Dunmore     support      —                         —                   (not both)
    Ellis       amendments   support (Lab)             —                   towards support
    ==========  ===========  ========================  ==================  ===================
    """
    ashford = factories.council(name="Ashford", control=Control.LABOUR)
    barton = factories.council(name="Barton", control=Control.CONSERVATIVE)
    carlow = factories.council(name="Carlow", control=Control.LABOUR)
    dunmore = factories.council(name="Dunmore", control=Control.LABOUR)
    ellis = factories.council(name="Ellis", control=Control.LABOUR)
    green = closed_consultation(LegislativeStage.GREEN_PAPER, title="Devolution green paper")
    white = closed_consultation(LegislativeStage.WHITE_PAPER, title="Devolution white paper")
    bill = factories.consultation(title="Draft devolution bill")
    bill.stage = LegislativeStage.DRAFT_BILL
    respond(green, ashford, Position.OPPOSE)
    respond(green, barton, Position.SUPPORT)
    respond(green, carlow, Position.NEUTRAL)
    respond(green, dunmore, Position.SUPPORT)
    respond(green, ellis, Position.SUPPORT_WITH_AMENDMENTS)
    respond(white, ashford, Position.SUPPORT_WITH_AMENDMENTS, Control.CONSERVATIVE)
    respond(white, barton, Position.OPPOSE, Control.CONSERVATIVE)
    respond(white, carlow, Position.NO_POSITION, Control.LABOUR)
    respond(white, ellis, Position.SUPPORT, Control.LABOUR)
    respond(bill, ashford, Position.SUPPORT)
    respond(bill, barton, Position.OPPOSE)
    publish(green)
    publish(white)
    db.session.add(
        GovernmentReply(
            consultation_id=green.id,
            overall="You said the money must follow the powers. We agree.",
            published_at=now_utc(),
        )
    )
    green.status = ConsultationStatus.REPLY_PUBLISHED
    policy = factories.policy(
        name="English devolution",
        consultations=[green, white, bill],
        bill_name="English Devolution and Community Empowerment Bill",
        bill_url="https://bills.parliament.uk/bills/3737",
    )
    db.session.flush()
    return {
        "policy": policy,
        "url": f"/policies/{policy.slug}",
        "green": green,
        "white": white,
        "bill": bill,
        "ashford": ashford,
        "barton": barton,
    }


def movements(shown) -> list:
    return page(shown).select("main section.app-policy-movement")


# The journey -------------------------------------------------------------------------------------


def test_the_public_sees_the_stages_in_order_with_headline_and_reply(client, journey):
    shown = ok(client.get(journey["url"]))

    assert heading(shown) == "English devolution"
    stages = [
        s.select_one("h3").get_text(" ", strip=True) for s in shown.select(".app-policy-stage")
    ]
    assert stages == ["Stage 1: Green paper", "Stage 2: White paper", "Stage 3: Draft bill"]
    first = shown.select(".app-policy-stage")[0].get_text(" ", strip=True)
    assert (
        "5 of 5 member authorities gave a position: support 2 (40.0%), support with "
        "amendments 1 (20.0%), neutral 1 (20.0%), oppose 1 (20.0%)."
    ) in first
    assert "You said the money must follow the powers. We agree." in first
    last = shown.select(".app-policy-stage")[2].get_text(" ", strip=True)
    assert "The summary of positions has not been published yet." in last
    bill = shown.select_one("main .govuk-summary-list a")
    assert bill["href"] == "https://bills.parliament.uk/bills/3737"
    assert "English Devolution and Community Empowerment Bill" in bill.get_text()
    links = [a["href"] for a in shown.select("main a")]
    assert f"/consultations/{journey['green'].reference}/summary" in links
    assert f"/consultations/{journey['green'].reference}#government-reply" in links
    assert "Move up" not in main_text(shown)


def test_the_moves_between_published_stages_are_counted_by_control_at_the_later_response(
    client, journey
):
    shown = ok(client.get(journey["url"]))

    first = movements(shown)[0]
    assert "From Green paper" in first.select_one("h3").get_text(" ", strip=True)
    assert table_rows(first, MOVES) == [
        ["Conservative", "1", "1", "0", "2"],
        ["Labour", "1", "0", "1", "2"],
        ["All authorities", "2", "1", "1", "4"],
    ]


def test_each_authority_that_answered_both_stages_is_listed_with_its_move(client, journey):
    shown = ok(client.get(journey["url"]))

    rows = table_records(movements(shown)[0], AUTHORITIES)
    assert [
        (r["Authority"], r["Moved"], r["Political control at the later response"]) for r in rows
    ] == [
        ("Ashford", "Towards support", "Conservative"),
        ("Barton", "Towards opposition", "Conservative"),
        ("Carlow", "Unchanged", "Labour"),
        ("Ellis", "Towards support", "Labour"),
    ]
    green, white = journey["green"].reference, journey["white"].reference
    assert rows[0][f"Green paper ({green})"] == "Oppose"
    assert rows[0][f"White paper ({white})"] == "Support with amendments"
    assert rows[2][f"White paper ({white})"] == "No position"


@pytest.mark.parametrize("who", ["anonymous", "other minister", "leader elsewhere"])
def test_before_its_summary_is_published_a_stage_shows_the_public_no_positions(
    client, journey, who
):
    if who == "other minister":
        sign_in(client, factories.minister())
    elif who == "leader elsewhere":
        sign_in(client, factories.person_at(authority=factories.council(), role=Role.LEADER))

    shown = ok(client.get(journey["url"]))

    second = movements(shown)[1]
    assert second.select_one(MOVES) is None
    assert second.select_one(AUTHORITIES) is None
    text = second.get_text(" ", strip=True)
    assert "Figures for every authority are shown once the summaries of both stages" in text
    assert "No authority whose positions you may see has answered both." in text


@pytest.mark.parametrize("role", ["secretariat", "chair", "lead department minister"])
def test_the_live_summarys_audience_sees_the_moves_before_publication(client, journey, role):
    if role == "lead department minister":
        sign_in(client, factories.minister(department=journey["bill"].department))
    else:
        sign_in(client, factories.user(role=Role(role)))

    shown = ok(client.get(journey["url"]))

    second = movements(shown)[1]
    assert table_rows(second, MOVES) == [
        ["Conservative", "0", "0", "1", "1"],
        ["Labour", "1", "0", "0", "1"],
        ["All authorities", "1", "0", "1", "2"],
    ]
    assert [r[0] for r in table_rows(second, AUTHORITIES)] == ["Ashford", "Barton"]


def test_an_authoritys_own_people_see_its_own_move_before_publication(client, journey):
    sign_in(client, factories.person_at(authority=journey["ashford"], role=Role.OFFICER))

    shown = ok(client.get(journey["url"]))

    second = movements(shown)[1]
    assert second.select_one(MOVES) is None
    assert table_rows(second, AUTHORITIES) == [
        ["Ashford", "Support with amendments", "Support", "Towards support", "Labour"]
    ]


def test_once_the_summary_is_published_the_public_sees_the_moves(client, journey):
    bill = journey["bill"]
    bill.closes_at = now_utc() - timedelta(hours=1)
    publish(bill)
    db.session.flush()

    shown = ok(client.get(journey["url"]))

    assert table_rows(movements(shown)[1], MOVES)[-1] == ["All authorities", "1", "0", "1", "2"]


def test_a_draft_stage_is_the_secretariats_alone(client, login_as, journey):
    draft = factories.consultation(status=ConsultationStatus.DRAFT, title="Secret draft")
    only_drafts = factories.policy(name="Not yet public", consultations=[draft])
    db.session.flush()

    expect(client.get(f"/policies/{only_drafts.slug}"), 404)
    assert "Not yet public" not in main_text(ok(client.get("/policies")))
    login_as(Role.SECRETARIAT)
    assert "Secret draft" in main_text(ok(client.get(f"/policies/{only_drafts.slug}")))
    assert "Not yet public" in main_text(ok(client.get("/policies")))


def test_the_list_shows_each_policy_with_its_bill_and_latest_stage(client, journey):
    factories.policy(name="A policy with no stages")
    db.session.flush()

    shown = ok(client.get("/policies"))

    assert table_rows(shown) == [
        [
            "English devolution",
            "English Devolution and Community Empowerment Bill",
            "3",
            f"Draft bill: {journey['bill'].reference}",
        ]
    ]
    assert "Create a policy" not in main_text(shown)


def test_an_unknown_policy_is_not_found(client):
    expect(client.get("/policies/no-such-policy"), 404)


def test_the_journey_reads_the_same_number_of_statements_for_more_stages_and_authorities(
    client, login_as, journey
):
    login_as(Role.SECRETARIAT)
    client.get(journey["url"])
    with count_statements() as few:
        ok(client.get(journey["url"]))
    policy = journey["policy"]
    councils = [factories.council() for _ in range(6)]
    for n in range(3):
        consultation = closed_consultation(LegislativeStage.SECONDARY_LEGISLATION)
        for council in councils:
            respond(
                consultation, council, [Position.SUPPORT, Position.OPPOSE][(n + council.id) % 2]
            )
        publish(consultation)
        policy.stages.append(PolicyStage(consultation_id=consultation.id, position=4 + n))
    db.session.flush()
    client.get(journey["url"])

    with count_statements() as many:
        shown = ok(client.get(journey["url"]))

    assert len(movements(shown)) == 5
    assert len(many) == len(few), "\n".join(s[:90] for s in many)


# The secretariat's pages -------------------------------------------------------------------------


def details(**changes: str) -> dict[str, str]:
    return {
        "name": "Sure Start revival",
        "summary": "Family hubs in every area.",
        "bill_name": "",
        "bill_url": "",
        **changes,
    }


def test_the_secretariat_creates_a_policy(client, login_as):
    login_as(Role.SECRETARIAT)

    saved = client.post("/policies/new", data=details(name="  Sure Start   revival "))

    policy = db.session.execute(db.select(Policy)).scalar_one()
    expect(saved, 302, location="/policies/sure-start-revival")
    assert (policy.name, policy.slug, policy.bill_url) == (
        "Sure Start revival",
        "sure-start-revival",
        None,
    )
    assert [e.subject_id for e in audit_events("policy_created")] == [policy.id]
    assert "Sure Start revival saved" in banner(ok(client.get("/policies/sure-start-revival")))


def test_a_second_policy_of_a_similar_name_gets_its_own_address(client, login_as):
    factories.policy(name="Sure Start", consultations=[])
    db.session.execute(db.update(Policy).values(slug="sure-start-revival"))
    login_as(Role.SECRETARIAT)

    expect(
        client.post("/policies/new", data=details()), 302, location="/policies/sure-start-revival-2"
    )


@pytest.mark.parametrize(
    ("changes", "message", "field"),
    [
        ({"name": ""}, "Enter the policy's name", "#name"),
        ({"summary": " "}, "Enter a summary of the policy", "#summary"),
        ({"name": "x" * 201}, "The name must be 200 characters or fewer", "#name"),
        (
            {"bill_name": "A Bill", "bill_url": "http://bills.parliament.uk/bills/1"},
            "Enter the address of the bill's page on parliament.uk, starting https://, "
            "like https://bills.parliament.uk/bills/3737",
            "#bill_url",
        ),
        (
            {"bill_name": "A Bill", "bill_url": "https://parliament.uk.example.com/bills/1"},
            "Enter the address of the bill's page on parliament.uk, starting https://, "
            "like https://bills.parliament.uk/bills/3737",
            "#bill_url",
        ),
        (
            {"bill_name": "A Bill", "bill_url": "https://evilparliament.uk/bills/1"},
            "Enter the address of the bill's page on parliament.uk, starting https://, "
            "like https://bills.parliament.uk/bills/3737",
            "#bill_url",
        ),
        (
            {"bill_url": "https://bills.parliament.uk/bills/1"},
            "Enter the bill's name as well as its address",
            "#bill_name",
        ),
    ],
)
def test_a_policy_that_is_not_right_is_refused_on_its_field(
    client, login_as, changes, message, field
):
    login_as(Role.SECRETARIAT)

    refused = ok(client.post("/policies/new", data=details(**changes)))

    assert error_summary(refused) == [(message, field)]
    assert form_fields(refused)["summary"] == details(**changes)["summary"]
    assert db.session.execute(db.select(Policy)).first() is None


def test_a_name_another_policy_has_is_refused(client, login_as):
    factories.policy(name="Sure Start revival")
    login_as(Role.SECRETARIAT)

    refused = ok(client.post("/policies/new", data=details(name="SURE START REVIVAL")))

    assert error_summary(refused) == [("There is already a policy with this name", "#name")]


def test_the_secretariat_changes_a_policy_and_its_address_stays(client, login_as, journey):
    login_as(Role.SECRETARIAT)
    url = journey["url"] + "/edit"
    assert form_fields(ok(client.get(url)))["name"] == "English devolution"

    saved = client.post(
        url,
        data=details(
            name="Devolution",
            bill_name="The Bill",
            bill_url="https://www.parliament.uk/business/bills",
        ),
    )

    expect(saved, 302, location=journey["url"])
    policy = journey["policy"]
    assert (policy.name, policy.bill_url) == (
        "Devolution",
        "https://www.parliament.uk/business/bills",
    )
    assert len(audit_events("policy_changed")) == 1


def test_linking_a_consultation_adds_it_as_the_last_stage(client, login_as, journey):
    other = factories.consultation(title="Local audit reform")
    factories.policy(name="Audit", consultations=[factories.consultation(title="Taken")])
    login_as(Role.SECRETARIAT)
    url = journey["url"] + "/stages/new"
    offered = [o.get_text() for o in ok(client.get(url)).select("select#consultation option")]
    assert any("Local audit reform" in text for text in offered)
    assert not any("Taken" in text or "Devolution" in text for text in offered)

    saved = client.post(url, data={"consultation": str(other.id)})

    expect(saved, 302, location=journey["url"] + "#stages")
    stages = journey["policy"].stages
    assert [(s.consultation_id, s.position) for s in stages][-1] == (other.id, 4)
    assert len(audit_events("policy_stage_linked")) == 1


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("", "Select the consultation to add"),
        ("taken", "Select a consultation that is not yet a stage of a policy"),
        ("99999999999999999999999", "Select a consultation that is not yet a stage of a policy"),
    ],
)
def test_a_consultation_that_cannot_be_linked_is_refused(client, login_as, journey, value, message):
    if value == "taken":
        value = str(journey["green"].id)
    login_as(Role.SECRETARIAT)

    refused = ok(client.post(journey["url"] + "/stages/new", data={"consultation": value}))

    assert error_summary(refused) == [(message, "#consultation")]
    assert len(journey["policy"].stages) == 3


def test_the_service_refuses_a_consultation_already_in_a_policy(app_ctx, journey):
    from commission.errors import DomainError
    from commission.policies import services

    other = factories.policy(name="Another")
    with pytest.raises(DomainError, match="already a stage of English devolution"):
        services.link_consultation(
            policy=other, consultation=journey["white"], actor=factories.user(role=Role.SECRETARIAT)
        )


def test_unlinking_asks_first_then_closes_the_gap(client, login_as, journey):
    login_as(Role.SECRETARIAT)
    policy = journey["policy"]
    middle = policy.stages[1]
    url = f"{journey['url']}/stages/{middle.id}/unlink"
    asked = ok(client.get(url))
    assert heading(asked) == "Remove this stage"
    assert journey["white"].reference in main_text(asked)

    expect(client.post(url), 302, location=journey["url"] + "#stages")

    db.session.expire_all()
    assert [(s.consultation_id, s.position) for s in policy.stages] == [
        (journey["green"].id, 1),
        (journey["bill"].id, 2),
    ]
    assert [e.details for e in audit_events("policy_stage_unlinked")] == [
        {"consultation": journey["white"].reference}
    ]
    shown = ok(client.get(f"/consultations/{journey['white'].reference}"))
    assert "is no longer a stage of English devolution" in banner(shown)
    assert "of the policy" not in main_text(shown)


def test_a_stage_moves_up_and_down(client, login_as, journey):
    login_as(Role.SECRETARIAT)
    policy = journey["policy"]
    bill = policy.stages[2]

    moved = client.post(f"{journey['url']}/stages/{bill.id}/move", data={"direction": "up"})

    expect(moved, 302, location=journey["url"] + "#stages")
    db.session.expire_all()
    assert [s.consultation_id for s in policy.stages] == [
        journey["green"].id,
        journey["bill"].id,
        journey["white"].id,
    ]
    assert len(audit_events("policy_stage_moved")) == 1
    first = policy.stages[0]
    refused = client.post(f"{journey['url']}/stages/{first.id}/move", data={"direction": "up"})
    expect(refused, 302)
    assert "is already the first stage" in banner(ok(client.get(journey["url"])))
    expect(client.post(f"{journey['url']}/stages/{first.id}/move", data={"direction": "x"}), 400)


NOT_SECRETARIAT = [role for role in Role if role is not Role.SECRETARIAT]


@pytest.mark.parametrize("role", NOT_SECRETARIAT, ids=lambda r: r.value)
def test_only_the_secretariat_may_change_policies(client, login_as, journey, role):
    login_as(role)
    stage = journey["policy"].stages[0]
    urls = [
        "/policies/new",
        journey["url"] + "/edit",
        journey["url"] + "/stages/new",
        f"{journey['url']}/stages/{stage.id}/unlink",
    ]

    for url in urls:
        expect(client.get(url), 403)
        expect(client.post(url, data=details()), 403)
    expect(client.post(f"{journey['url']}/stages/{stage.id}/move", data={"direction": "down"}), 403)

    assert journey["policy"].name == "English devolution"
    assert [s.position for s in journey["policy"].stages] == [1, 2, 3]
    assert "Add a stage" not in main_text(ok(client.get(journey["url"])))


def test_a_visitor_is_asked_to_sign_in_to_create_a_policy(client):
    assert "/sign-in" in expect(client.get("/policies/new"), 302).location


# The consultations list and page -----------------------------------------------------------------


def listed(shown) -> list[str]:
    return [a.get_text(strip=True) for a in page(shown).select("main table tbody td:first-child a")]


def test_the_consultations_list_filters_by_policy_and_stage(client, journey):
    factories.consultation(title="Unrelated consultation")
    db.session.flush()
    slug = journey["policy"].slug

    everything = ok(client.get("/consultations"))
    by_policy = ok(client.get(f"/consultations?policy={slug}"))
    by_both = ok(client.get(f"/consultations?policy={slug}&stage=white_paper"))
    by_stage = ok(client.get("/consultations?stage=draft_bill"))

    assert "Unrelated consultation" in listed(everything)
    assert sorted(listed(by_policy)) == [
        "Devolution green paper",
        "Devolution white paper",
        "Draft devolution bill",
    ]
    assert listed(by_both) == ["Devolution white paper"]
    assert listed(by_stage) == ["Draft devolution bill"]
    assert form_fields(by_both, "main form.app-filter-form") == {
        "policy": slug,
        "stage": "white_paper",
    }


@pytest.mark.parametrize(
    ("query", "message", "field"),
    [
        ("policy=nothing-like-it", "Select a policy from the list", "#policy"),
        ("stage=<b>", "Select a legislative stage from the list", "#stage"),
    ],
)
def test_a_filter_not_offered_says_so_and_narrows_nothing(client, journey, query, message, field):
    factories.consultation(title="Unrelated consultation")
    db.session.flush()

    shown = ok(client.get(f"/consultations?{query}"))

    assert error_summary(shown) == [(message, field)]
    assert "Unrelated consultation" in listed(shown)


def test_a_consultations_page_names_its_policy(client, journey):
    shown = ok(client.get(f"/consultations/{journey['white'].reference}"))

    assert "This consultation is a stage of the policy English devolution." in main_text(shown)
    assert journey["url"] in [a["href"] for a in shown.select("main a")]


def test_the_consultations_list_links_to_the_policies(client):
    assert "/policies" in [a["href"] for a in ok(client.get("/consultations")).select("main a")]


def test_the_policys_history_lists_its_changes(client, login_as, journey):
    login_as(Role.SECRETARIAT)
    policy = journey["policy"]
    other = factories.consultation(title="Local audit reform")
    client.post(journey["url"] + "/stages/new", data={"consultation": str(other.id)})
    client.post(journey["url"] + "/edit", data=details(name="Devolution"))
    history = f"/audit/history/policies/{policy.id}"
    assert history in [a["href"] for a in ok(client.get(journey["url"])).select("main a")]

    shown = main_text(ok(client.get(history)))

    assert "changed the policy Devolution" in shown
    assert f"linked {other.reference} to the policy" in shown

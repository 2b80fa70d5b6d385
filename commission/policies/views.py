"""Policies: the public list and journey pages, and the secretariat's pages
for a policy's details and its stages."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers.response import Response as HTTPResponse

from commission import access
from commission.actions import run_action, run_button_action
from commission.auth.roles import Role
from commission.forms import ConfirmForm
from commission.policies import queries, services
from commission.policies.forms import LinkConsultationForm, PolicyForm
from commission.policies.models import Policy

bp = Blueprint("policies", __name__)

SLUG = "<slug>"


@bp.get("/policies")
@access.public
def list_policies() -> str:
    return render_template(
        "policies/list.html",
        lines=queries.policy_lines(current_user),
        secretariat=queries.is_secretariat(current_user),
    )


@bp.get(f"/policies/{SLUG}")
@access.public
def show_policy(slug: str) -> str:
    policy = queries.load_policy(slug, current_user)
    return render_template(
        "policies/show.html",
        journey=queries.journey(policy, current_user),
        secretariat=queries.is_secretariat(current_user),
        direction_labels=queries.DIRECTION_LABELS,
    )


def _details(form: PolicyForm) -> services.PolicyDetails:
    return services.PolicyDetails(
        name=form.name.data or "",
        summary=form.summary.data or "",
        bill_name=form.bill_name.data or "",
        bill_url=form.bill_url.data or "",
    )


def _policy_form(policy: Policy | None) -> str | HTTPResponse:
    form = PolicyForm(obj=policy) if request.method == "GET" and policy else PolicyForm()
    if form.validate_on_submit():
        details = _details(form)

        def work() -> Policy:
            if policy is None:
                return services.create_policy(details=details, actor=current_user)
            return services.update_policy(policy=policy, details=details, actor=current_user)

        outcome = run_action(
            work,
            form=form,
            success=lambda saved: f"{saved.name} saved",
            then=lambda saved: url_for("policies.show_policy", slug=saved.slug),
        )
        if outcome is not None:
            return outcome
    return render_template("policies/form.html", form=form, policy=policy)


@bp.route("/policies/new", methods=["GET", "POST"])
@access.roles(Role.SECRETARIAT)
def create_policy() -> str | HTTPResponse:
    return _policy_form(None)


@bp.route(f"/policies/{SLUG}/edit", methods=["GET", "POST"])
@access.roles(Role.SECRETARIAT)
def edit_policy(slug: str) -> str | HTTPResponse:
    return _policy_form(queries.load_policy(slug, current_user))


@bp.route(f"/policies/{SLUG}/stages/new", methods=["GET", "POST"])
@access.roles(Role.SECRETARIAT)
def link_consultation(slug: str) -> str | HTTPResponse:
    policy = queries.load_policy(slug, current_user)
    form = LinkConsultationForm(consultations=queries.unlinked_consultations())
    if form.validate_on_submit():
        consultation = form.chosen

        def work() -> Any:
            return services.link_consultation(
                policy=policy, consultation=consultation, actor=current_user
            )

        outcome = run_action(
            work,
            form=form,
            success=lambda _: f"{consultation.reference} added as a stage",
            then=lambda _: url_for("policies.show_policy", slug=policy.slug, _anchor="stages"),
        )
        if outcome is not None:
            return outcome
    return render_template("policies/link.html", form=form, policy=policy)


@bp.route(f"/policies/{SLUG}/stages/<int:stage_id>/unlink", methods=["GET", "POST"])
@access.roles(Role.SECRETARIAT)
def unlink_consultation(slug: str, stage_id: int) -> str | HTTPResponse:
    policy = queries.load_policy(slug, current_user)
    stage = queries.stage_of(policy, stage_id)
    consultation = stage.consultation
    form = ConfirmForm()
    if form.validate_on_submit():

        def work() -> Any:
            services.unlink_consultation(stage=stage, actor=current_user)

        outcome = run_action(
            work,
            form=form,
            success=lambda _: f"{consultation.reference} is no longer a stage of {policy.name}",
            then=lambda _: url_for("policies.show_policy", slug=policy.slug, _anchor="stages"),
        )
        if outcome is not None:
            return outcome
    return render_template(
        "policies/unlink.html", form=form, policy=policy, consultation=consultation
    )


@bp.post(f"/policies/{SLUG}/stages/<int:stage_id>/move")
@access.roles(Role.SECRETARIAT)
def move_stage(slug: str, stage_id: int) -> HTTPResponse:
    policy = queries.load_policy(slug, current_user)
    stage = queries.stage_of(policy, stage_id)
    direction = request.form.get("direction")
    if not ConfirmForm().validate_on_submit() or direction not in {"up", "down"}:
        abort(400)
    return run_button_action(
        lambda: services.move_stage(stage=stage, direction=direction, actor=current_user),
        then=lambda: url_for("policies.show_policy", slug=policy.slug, _anchor="stages"),
    )

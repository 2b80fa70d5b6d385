"""The rules for policies and their stages: what the secretariat may link,
unlink and reorder, and what a policy's details must be."""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from sqlalchemy import func, select

from commission.audit import services as audit
from commission.auth.models import User
from commission.consultations.models import Consultation
from commission.errors import DomainError
from commission.extensions import db
from commission.policies.models import Policy, PolicyStage

# Addresses under /policies that a slug must not take.
RESERVED_SLUGS = frozenset({"new"})
SLUG_MAX = 100
PARLIAMENT = "parliament.uk"


@dataclass(frozen=True)
class PolicyDetails:
    name: str
    summary: str
    bill_name: str = ""
    bill_url: str = ""


def slug_for(name: str) -> str:
    """The address part made from a name: lower-case letters, digits and
    hyphens ("English devolution" → "english-devolution")."""
    text = name.lower().replace("&", " and ").replace("'", "").replace("\u2019", "")
    slug = re.sub(r"[^a-z0-9]+", "-", text).strip("-")[:SLUG_MAX].rstrip("-")
    return slug or "policy"


def _unique_slug(name: str) -> str:
    base = slug_for(name)
    taken = set(
        db.session.execute(
            select(Policy.slug).where((Policy.slug == base) | Policy.slug.like(f"{base}-%"))
        ).scalars()
    )
    slug, n = base, 2
    while slug in taken or slug in RESERVED_SLUGS:
        slug, n = f"{base}-{n}", n + 1
    return slug


def is_parliament_address(url: str) -> bool:
    """An https address on parliament.uk or one of its sites (such as
    bills.parliament.uk), with no user name, password or port."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return False
    host = (parts.hostname or "").lower()
    return (
        parts.scheme == "https"
        and port is None
        and parts.username is None
        and parts.password is None
        and (host == PARLIAMENT or host.endswith("." + PARLIAMENT))
        and not any(character.isspace() for character in url)
    )


def _check_details(details: PolicyDetails, policy: Policy | None) -> PolicyDetails:
    """The details tidied, or a refusal naming the field: a name no other
    policy has, a summary, and a bill address only on parliament.uk."""
    name = " ".join(details.name.split())
    summary = details.summary.strip()
    bill_name = " ".join(details.bill_name.split())
    bill_url = details.bill_url.strip()
    if not name:
        raise DomainError("Enter the policy's name", field="name")
    if len(name) > 200:
        raise DomainError("The name must be 200 characters or fewer", field="name")
    same_name = select(Policy.id).where(func.lower(Policy.name) == name.lower())
    if policy is not None:
        same_name = same_name.where(Policy.id != policy.id)
    if db.session.execute(same_name.limit(1)).first() is not None:
        raise DomainError("There is already a policy with this name", field="name")
    if not summary:
        raise DomainError("Enter a summary of the policy", field="summary")
    if len(summary) > 5000:
        raise DomainError("The summary must be 5,000 characters or fewer", field="summary")
    if len(bill_name) > 200:
        raise DomainError("The bill's name must be 200 characters or fewer", field="bill_name")
    if len(bill_url) > 500:
        raise DomainError("The address must be 500 characters or fewer", field="bill_url")
    if bill_url and not is_parliament_address(bill_url):
        raise DomainError(
            "Enter the address of the bill's page on parliament.uk, starting https://, "
            "like https://bills.parliament.uk/bills/3737",
            field="bill_url",
        )
    if bill_url and not bill_name:
        raise DomainError("Enter the bill's name as well as its address", field="bill_name")
    return PolicyDetails(name, summary, bill_name, bill_url)


def create_policy(*, details: PolicyDetails, actor: User) -> Policy:
    """A new policy; its address is made from its name and never changes,
    so links to it keep working when it is renamed."""
    checked = _check_details(details, None)
    policy = Policy(
        name=checked.name,
        slug=_unique_slug(checked.name),
        summary=checked.summary,
        bill_name=checked.bill_name or None,
        bill_url=checked.bill_url or None,
        created_by_id=actor.id,
    )
    db.session.add(policy)
    db.session.flush()
    audit.record(
        action="policy_created",
        summary=f"{actor.full_name} created the policy {policy.name}",
        actor=actor,
        subject=policy,
    )
    return policy


def update_policy(*, policy: Policy, details: PolicyDetails, actor: User) -> Policy:
    checked = _check_details(details, policy)
    policy.name = checked.name
    policy.summary = checked.summary
    policy.bill_name = checked.bill_name or None
    policy.bill_url = checked.bill_url or None
    db.session.flush()
    audit.record(
        action="policy_changed",
        summary=f"{actor.full_name} changed the policy {policy.name}",
        actor=actor,
        subject=policy,
    )
    return policy


def policy_stage_of(consultation: Consultation) -> PolicyStage | None:
    return db.session.execute(
        select(PolicyStage).where(PolicyStage.consultation_id == consultation.id)
    ).scalar_one_or_none()


def _renumber(stages: list[PolicyStage]) -> None:
    for position, stage in enumerate(stages, start=1):
        stage.position = position


def link_consultation(*, policy: Policy, consultation: Consultation, actor: User) -> PolicyStage:
    """The consultation becomes the policy's last stage. A consultation
    belongs to at most one policy: one already linked must be unlinked first."""
    existing = policy_stage_of(consultation)
    if existing is not None:
        where = "this policy" if existing.policy_id == policy.id else existing.policy.name
        raise DomainError(
            f"{consultation.reference} is already a stage of {where}", field="consultation"
        )
    stage = PolicyStage(
        policy_id=policy.id,
        consultation_id=consultation.id,
        position=len(policy.stages) + 1,
        linked_by_id=actor.id,
    )
    db.session.add(stage)
    db.session.flush()
    db.session.expire(policy, ["stages"])
    audit.record(
        action="policy_stage_linked",
        summary=f"{actor.full_name} linked {consultation.reference} to the policy {policy.name}",
        actor=actor,
        subject=stage,
    )
    return stage


def unlink_consultation(*, stage: PolicyStage, actor: User) -> None:
    """The consultation leaves the policy; the later stages move up."""
    policy = stage.policy
    reference = stage.consultation.reference
    audit.record(
        action="policy_stage_unlinked",
        summary=f"{actor.full_name} unlinked {reference} from the policy {policy.name}",
        actor=actor,
        subject=policy,
        details={"consultation": reference},
    )
    remaining = [each for each in policy.stages if each.id != stage.id]
    db.session.delete(stage)
    db.session.flush()
    _renumber(remaining)
    db.session.flush()
    db.session.expire(policy, ["stages"])


def move_stage(*, stage: PolicyStage, direction: str, actor: User) -> None:
    """A stage moves one place earlier ("up") or later ("down")."""
    if direction not in {"up", "down"}:
        raise DomainError("Choose to move the stage up or down")
    policy = stage.policy
    stages = list(policy.stages)
    index = stages.index(stage)
    other = index - 1 if direction == "up" else index + 1
    if not 0 <= other < len(stages):
        raise DomainError(
            f"{stage.consultation.reference} is already the "
            f"{'first' if direction == 'up' else 'last'} stage"
        )
    stages[index], stages[other] = stages[other], stages[index]
    _renumber(stages)
    db.session.flush()
    db.session.expire(policy, ["stages"])
    audit.record(
        action="policy_stage_moved",
        summary=f"{actor.full_name} moved {stage.consultation.reference} {direction} in the "
        f"policy {policy.name}",
        actor=actor,
        subject=stage,
    )

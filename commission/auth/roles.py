"""The roles people hold on the Commission, with their labels in one place."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    SECRETARIAT = "secretariat"
    CHAIR = "chair"
    MINISTER = "minister"
    LEADER = "leader"
    MAYOR = "mayor"
    DEPUTY = "deputy"
    OFFICER = "officer"

    @property
    def label(self) -> str:
        return ROLE_LABELS[self]

    @property
    def description(self) -> str:
        return ROLE_DESCRIPTIONS[self]


ROLE_LABELS: dict[Role, str] = {
    Role.SECRETARIAT: "Secretariat",
    Role.CHAIR: "Chair",
    Role.MINISTER: "Minister",
    Role.LEADER: "Council leader",
    Role.MAYOR: "Mayor",
    Role.DEPUTY: "Deputy",
    Role.OFFICER: "Council officer",
}

ROLE_DESCRIPTIONS: dict[Role, str] = {
    Role.SECRETARIAT: "Civil servants who run the Commission: membership, meetings and agendas",
    Role.CHAIR: "Chairs the Commission (the Local Government Secretary)",
    Role.MINISTER: "A government minister who attends for their department's business",
    Role.LEADER: "Leads a member council and signs off its positions",
    Role.MAYOR: "The elected mayor of a mayoral strategic authority",
    Role.DEPUTY: "Deputises for a leader or mayor where delegated",
    Role.OFFICER: "Drafts the authority's responses for its leader",
}

AUTHORITY_ROLES = frozenset({Role.LEADER, Role.MAYOR, Role.DEPUTY, Role.OFFICER})
GOVERNMENT_ROLES = frozenset({Role.MINISTER, Role.CHAIR})
COMMISSION_ROLES = frozenset(Role)

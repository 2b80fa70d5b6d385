"""OParl 1.1's objects as the Commission gives them: one model per type,
with OParl's own (camelCase) names. A property with no value is left out of
the JSON, as OParl asks."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict

SCHEMA = "https://schema.oparl.org/1.1/"
OGL = "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"


class OParlObject(BaseModel):
    """What every OParl object has: its URL, its type, and when it was made
    and last changed; ``deleted`` for one that has been removed."""

    model_config = ConfigDict(extra="forbid")

    id: str
    type: str
    created: datetime | None = None
    modified: datetime | None = None
    web: str | None = None
    deleted: bool | None = None

    def to_json(self) -> dict[str, Any]:
        return self.model_dump(mode="json", exclude_none=True)


def oparl_type(name: str) -> str:
    return f"{SCHEMA}{name}"


class Removed(OParlObject):
    """A removed object: only its URL, type, ``created``, the time it was
    removed as ``modified``, and ``deleted: true``."""


class RemovedFile(Removed):
    """A removed File keeps its ``accessUrl`` (OParl requires one), which
    answers 410 Gone."""

    accessUrl: str


class RemovedAgendaItem(Removed):
    """A removed AgendaItem keeps its ``order`` (OParl requires one)."""

    order: int


class System(OParlObject):
    oparlVersion: str
    body: str
    name: str
    license: str
    website: str


class LegislativeTerm(OParlObject):
    body: str
    name: str
    startDate: date | None = None


class Body(OParlObject):
    system: str
    name: str
    shortName: str
    website: str
    license: str
    classification: str
    mainOrganization: str
    organization: str
    person: str
    meeting: str
    paper: str
    agendaItem: str
    consultation: str
    file: str
    locationList: str
    legislativeTermList: str
    membership: str
    legislativeTerm: list[LegislativeTerm]


class Organization(OParlObject):
    body: str
    name: str
    shortName: str | None = None
    organizationType: str
    classification: str
    membership: list[str] | None = None
    meeting: str | None = None
    keyword: list[str] | None = None


class Membership(OParlObject):
    person: str
    organization: str
    role: str
    startDate: date
    endDate: date | None = None


class Person(OParlObject):
    body: str
    name: str
    status: list[str]
    membership: list[Membership] | None = None


class Location(OParlObject):
    description: str
    meetings: list[str]


class File(OParlObject):
    name: str
    fileName: str
    mimeType: str
    date: date
    size: int | None = None
    accessUrl: str
    downloadUrl: str | None = None
    fileLicense: str | None = None
    paper: list[str] | None = None
    agendaItem: list[str] | None = None
    meeting: list[str]


class Consultation(OParlObject):
    paper: str
    agendaItem: str
    meeting: str
    organization: list[str]
    role: str


class AgendaItem(OParlObject):
    meeting: str
    number: str
    order: int
    name: str
    public: bool
    consultation: str | None = None
    start: datetime
    end: datetime
    auxiliaryFile: list[File] | None = None


class Meeting(OParlObject):
    name: str
    meetingState: str
    cancelled: bool
    start: datetime
    end: datetime
    location: Location | None = None
    organization: list[str]
    resultsProtocol: File | None = None
    agendaItem: list[AgendaItem] | None = None


class Paper(OParlObject):
    body: str
    name: str
    reference: str | None = None
    date: date
    paperType: str
    mainFile: File | None = None
    underDirectionOf: list[str]
    consultation: list[Consultation]
    keyword: list[str] | None = None

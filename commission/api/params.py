"""The query parameters of each list, as pydantic models: they validate a
request's query string (a bad value is a 400 problem naming the parameter)
and describe the parameters in the OpenAPI document."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from pydantic import AwareDatetime, BaseModel, BeforeValidator, ConfigDict, Field

from commission.consultations.models import ConsultationStatus, LegislativeStage
from commission.meetings.models import MeetingStatus
from commission.membership.models import AuthorityKind, Control, Region

MAX_LIMIT = 100


def _iso(value: Any) -> Any:
    """Only ISO 8601 text is a time here (pydantic would also read a number
    as seconds since 1970, which the document does not promise)."""
    if isinstance(value, str):
        try:
            datetime.fromisoformat(value)
        except ValueError as error:
            raise ValueError("give a time in ISO 8601, such as 2027-01-31T00:00:00Z") from error
    return value


Moment = Annotated[AwareDatetime, BeforeValidator(_iso)]


class ListParams(BaseModel):
    model_config = ConfigDict(extra="ignore", use_enum_values=False)

    limit: Annotated[int, Field(ge=1, le=MAX_LIMIT, description="Items per page (1 to 100)")] = 50
    cursor: Annotated[
        str | None,
        Field(max_length=500, description="From a page's `next`: where the next page starts"),
    ] = None
    modified_since: Annotated[
        Moment | None,
        Field(description="Only what changed at or after this time (ISO 8601, with a zone)"),
    ] = None


class AuthorityParams(ListParams):
    type: Annotated[AuthorityKind | None, Field(description="The authority's type")] = None
    region: Annotated[Region | None, Field(description="The region")] = None
    control: Annotated[Control | None, Field(description="Political control today")] = None
    member: Annotated[
        bool | None, Field(description="true: members of the Commission today; false: not")
    ] = None


class MeetingParams(ListParams):
    status: Annotated[MeetingStatus | None, Field(description="The meeting's status")] = None
    starts_after: Annotated[
        Moment | None, Field(description="Meetings starting at or after this time")
    ] = None
    starts_before: Annotated[
        Moment | None, Field(description="Meetings starting before this time")
    ] = None


class ConsultationParams(ListParams):
    status: Annotated[
        ConsultationStatus | None,
        Field(description="The status as shown (an open consultation past its close is closed)"),
    ] = None
    department: Annotated[
        str | None, Field(max_length=20, description="The lead department's short name, e.g. DfE")
    ] = None
    stage: Annotated[LegislativeStage | None, Field(description="The legislative stage")] = None


class PageParams(BaseModel):
    model_config = ConfigDict(extra="ignore")

    limit: Annotated[int, Field(ge=1, le=MAX_LIMIT, description="Items per page (1 to 100)")] = 50
    cursor: Annotated[
        str | None,
        Field(max_length=500, description="From a page's `next`: where the next page starts"),
    ] = None

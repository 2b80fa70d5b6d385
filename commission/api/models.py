"""What the API keeps of its own: when each resource last changed (for
``modified_since`` and ``Last-Modified``) and the rate limit's counters."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import BigInteger, Float, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from commission.db_types import UTCDateTime, str_enum
from commission.extensions import Base


class ResourceKind(StrEnum):
    AUTHORITY = "authority"
    MEETING = "meeting"
    CONSULTATION = "consultation"


class ResourceChange(Base):
    """When a resource of the API (an authority, a meeting, a consultation,
    with everything the API shows inside it) last changed. Written by
    ``api.tracking`` as the session flushes; a resource with no row has not
    changed since it was made."""

    __tablename__ = "api_resource_changes"

    kind: Mapped[ResourceKind] = mapped_column(
        str_enum(ResourceKind, "api_resource_kind", length=20), primary_key=True
    )
    record_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    modified_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)


class RateLimitCounter(Base):
    """One fixed window of the API's rate limit for one client address,
    shared by every app server through the database (``api.ratelimit``)."""

    __tablename__ = "api_rate_limits"

    key: Mapped[str] = mapped_column(String(255), primary_key=True)
    count: Mapped[int] = mapped_column(BigInteger)
    # Seconds since the epoch at which the window ends.
    expires_at: Mapped[float] = mapped_column(Float)

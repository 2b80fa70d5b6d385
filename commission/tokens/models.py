"""A personal access token: a named key to the JSON API, kept only as a hash."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from commission.auth.models import User
from commission.db_types import UTCDateTime, utcnow
from commission.extensions import Base


class PersonalAccessToken(Base):
    """Lets the API answer its holder as the web answers them. The token is
    shown once when it is made; only its SHA-256 is kept, with its first
    characters to tell tokens apart."""

    __tablename__ = "personal_access_tokens"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True, info={"secret": True})
    prefix: Mapped[str] = mapped_column(String(12))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_on: Mapped[date] = mapped_column(Date)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()

    def usable(self, on: date) -> bool:
        """Not revoked, and ``on`` is not after its last day."""
        return self.revoked_at is None and on <= self.expires_on

"""What OParl keeps of its own: a note of each public record removed, so that
it stays listed as ``deleted: true`` (OParl 1.1, "Gelöschte Objekte")."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Integer
from sqlalchemy.orm import Mapped, mapped_column

from commission.db_types import UTCDateTime, str_enum
from commission.extensions import Base


class RemovedKind(StrEnum):
    AGENDA_ITEM = "agenda_item"
    PAPER = "paper"


class RemovedRecord(Base):
    """An agenda item or a paper removed while the public could see it.
    Written by ``oparl.tracking`` as the session flushes; OParl answers its
    address (and lists it, to clients asking what changed) with
    ``deleted: true``. A paper's note stands for its OParl Paper, File and
    Consultation alike."""

    __tablename__ = "oparl_removed_records"

    kind: Mapped[RemovedKind] = mapped_column(
        str_enum(RemovedKind, "oparl_removed_kind", length=20), primary_key=True
    )
    record_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # When the record was made, if it said (OParl keeps ``created``).
    created_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    removed_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    # An agenda item's place on its agenda (OParl requires its ``order``).
    position: Mapped[int | None] = mapped_column(Integer)

"""Making a consultation's dataset when its summary is published, in the
publication's own transaction: the first reader finds the files made, and a
publication rolled back leaves no file behind."""

from __future__ import annotations

from typing import Any

from commission import signals
from commission.consultations.models import Consultation
from commission.datasets import files
from commission.summaries.models import SummarySnapshot


def summary_published(consultation: Consultation, *, snapshot: SummarySnapshot, **_: Any) -> None:
    files.make_files(files.dataset_of(consultation, snapshot), snapshot.answers or [])


def connect() -> None:
    """Connecting again (a second app in one process) replaces, never
    doubles, the receiver."""
    signals.summary_published.connect(summary_published, weak=False)

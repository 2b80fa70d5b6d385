"""Pagination of a select that returns rows of several columns."""

from __future__ import annotations

from typing import Any

from flask_sqlalchemy.pagination import SelectPagination

from commission.extensions import db


class RowPagination(SelectPagination):
    """Like ``db.paginate``, but items are whole rows (an entity with computed
    columns beside it), not only the first column."""

    def _query_items(self) -> list[Any]:
        select = self._query_args["select"].limit(self.per_page).offset(self._query_offset)
        return list(self._query_args["session"].execute(select).all())


def paginate_rows(select: Any, *, page: int, per_page: int) -> RowPagination:
    return RowPagination(
        select=select,
        session=db.session(),
        page=max(1, page),
        per_page=per_page,
        max_per_page=per_page,
        error_out=False,
        count=True,
    )

"""/search: one search across everything the person may see."""

from __future__ import annotations

from flask import Blueprint, render_template, request

from commission import access
from commission.search import queries
from commission.search.forms import SearchForm
from commission.search.models import Kind

bp = Blueprint("search", __name__)

PER_PAGE = 20


@bp.get("/search")
@access.public
def search() -> str:
    departments, authorities = queries.filter_options()
    form = SearchForm(request.args, departments=departments, authorities=authorities)
    asked = "q" in request.args
    if asked:
        form.validate()
    results = None
    if form.text:
        results = queries.search(
            form.text,
            viewer=queries.current_viewer(),
            filters=form.filters(),
            page=request.args.get("page", 1, type=int) or 1,
            per_page=PER_PAGE,
            newest=form.newest,
        )
    return render_template(
        "search/search.html",
        form=form,
        asked=asked,
        results=results,
        kinds=list(Kind),
        args=form.args(),
        max_results=queries.MAX_RESULTS,
    )

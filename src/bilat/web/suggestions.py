"""Partner-search suggestions on the organisation and project pages.

Kept apart from the `/partners/` views so that the observatory views can show them without
importing those views (which import the observatory's download helper).
"""

from __future__ import annotations

from bilat.bridges import search
from bilat.bridges.search import Suggestions
from bilat.errors import ParameterError
from bilat.warehouse.store import Warehouse


def for_organisation_page(store: Warehouse, pic: int) -> dict[str, Suggestions | None]:
    """What an organisation page shows: partners across the Atlantic and similar ones."""
    try:
        return {
            "suggested": search.for_organisation(store, pic, limit=10),
            "similar": search.similar(store, pic, limit=5),
        }
    except ParameterError:  # an organisation outside the record has no suggestion
        return {"suggested": None, "similar": None}


def for_project_page(store: Warehouse, programme: str, project_id: int) -> Suggestions | None:
    """What a project page shows: European organisations that could have joined."""
    try:
        return search.for_project(store, programme, project_id, limit=10)
    except ParameterError:
        return None

"""The partner-search API: `/api/partners` (the same questions as the page) and
`/api/partners/open-coordinators`. Organisations only, never a person."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema
from pydantic import Field

from bilat.bridges import search
from bilat.serving import warehouse
from bilat.web.partners import answer

router = Router(tags=["partners"])


class Question(Schema):
    """What partner search is asked: one of organisation, topic, part, field or text."""

    organisation: str | None = Field(None, description="PIC, or words of the name")
    topic: str | None = Field(None, description="topic code or prefix, e.g. HORIZON-CL5")
    part: str | None = Field(None, description="programme part: code or name (Health)")
    field: str | None = Field(None, description="EuroSciVoc field of science, e.g. oncology")
    text: str | None = Field(None, description="words matched against titles and fields")
    side: str | None = Field(None, description="EU or US (default: across the Atlantic)")
    limit: int | None = Field(None, description="how many, 1 to 200 (default 20)")
    similar: bool | None = Field(None, description="with organisation: organisations like it")


@router.get("", summary="Suggested partners, with the reasons for each")
def partners(request: HttpRequest, question: Query[Question]) -> dict[str, Any]:
    """Ranked organisations for the question; or, when a name matches several, the matches."""
    given = {k: str(v) for k, v in question.dict().items() if v not in (None, "", False)}
    found, matches = answer(warehouse(), given)
    if found is None:
        return {"matches": matches}
    return {
        "title": found.title,
        "question": found.question,
        "definition": search.DEFINITION,
        "rows": found.rows,
    }


@router.get("/open-coordinators", summary="European coordinators of projects with US partners")
def open_coordinators(
    request: HttpRequest, part: str | None = None, field: str | None = None, limit: int = 20
) -> list[dict[str, Any]]:
    """European organisations that coordinated projects with US participants, with them."""
    return search.open_coordinators(
        warehouse(), part=part, field=field, limit=search.parse_limit(limit)
    )

"""`{% my_meetings person %}`: a participant's own published meetings, for /me/. A template
tag lets the directory's page show them without the directory importing this app above it."""

from __future__ import annotations

from typing import Any

from django import template

from bilat.coordination.meetings.operations import meetings_of
from bilat.coordination.stakeholders.models import Person

register = template.Library()


@register.inclusion_tag("meetings/_mine.html")
def my_meetings(person: Person) -> dict[str, Any]:
    return {"meetings": meetings_of(person), "person": person}

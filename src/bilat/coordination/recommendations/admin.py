"""Recommendations in the admin; status changes go through the register's own page, which
keeps the history."""

from __future__ import annotations

from django.contrib import admin

from bilat.coordination.audit.admin import LoggedAdmin
from bilat.coordination.recommendations.models import Evidence, Recommendation, StatusChange


class EvidenceInline(admin.TabularInline):  # type: ignore[type-arg]
    model = Evidence
    extra = 1


class HistoryInline(admin.TabularInline):  # type: ignore[type-arg]
    model = StatusChange
    extra = 0
    can_delete = False
    readonly_fields = ("old", "new", "at", "by", "note")

    def has_add_permission(self, request: object, obj: object = None) -> bool:
        return False


@admin.register(Recommendation)
class RecommendationAdmin(LoggedAdmin):
    list_display = ("title", "barrier", "addressee", "priority", "owner", "status", "published")
    list_filter = ("status", "barrier", "addressee", "priority")
    search_fields = ("title", "text", "owner")
    readonly_fields = ("status",)
    filter_horizontal = ("source_events",)
    inlines = (EvidenceInline, HistoryInline)

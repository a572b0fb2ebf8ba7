"""The awareness log in the admin: activities with their reach rows."""

from __future__ import annotations

from django.contrib import admin

from bilat.coordination.audit.admin import LoggedAdmin
from bilat.coordination.awareness.models import Activity, Reach


class ReachInline(admin.TabularInline):  # type: ignore[type-arg]
    model = Reach
    extra = 2


@admin.register(Activity)
class ActivityAdmin(LoggedAdmin):
    list_display = ("date", "kind", "title", "event")
    list_filter = ("kind",)
    search_fields = ("title",)
    date_hierarchy = "date"
    inlines = (ReachInline,)

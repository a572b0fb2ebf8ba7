"""The awareness log in the admin: activities with their reach rows."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.forms import ModelForm
from django.http import HttpRequest

from bilat.coordination.audit.admin import LoggedAdmin
from bilat.coordination.awareness.forms import ActivityForm
from bilat.coordination.awareness.models import Activity, Reach
from bilat.coordination.awareness.operations import follow_attendance


class ReachInline(admin.TabularInline):  # type: ignore[type-arg]
    model = Reach
    extra = 2


@admin.register(Activity)
class ActivityAdmin(LoggedAdmin):
    form = ActivityForm
    list_display = ("date", "kind", "title", "event")
    list_filter = ("kind",)
    search_fields = ("title",)
    date_hierarchy = "date"
    inlines = (ReachInline,)

    def get_inlines(
        self, request: HttpRequest, obj: Any
    ) -> list[type[admin.options.InlineModelAdmin]]:  # type: ignore[type-arg]
        # An event's reach is its attendance, kept by bilat: nothing to type in.
        return [] if obj is not None and obj.event_id is not None else [ReachInline]

    def save_related(
        self,
        request: HttpRequest,
        form: ModelForm,  # type: ignore[type-arg]
        formsets: Any,
        change: bool,
    ) -> None:
        super().save_related(request, form, formsets, change)
        if form.instance.event is not None:
            follow_attendance(request.user, form.instance.event)

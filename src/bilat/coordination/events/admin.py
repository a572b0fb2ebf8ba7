"""Events in the admin: editors write an event with its agenda and documents here."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db import models
from django.db.models.query import QuerySet
from django.forms import ModelForm
from django.http import HttpRequest

from bilat import uploads
from bilat.coordination.audit.admin import LoggedAdmin
from bilat.coordination.events.models import (
    Answer,
    Document,
    Event,
    Question,
    Registration,
    Session,
)
from bilat.coordination.events.operations import attendance_changed


class SessionInline(admin.StackedInline):  # type: ignore[type-arg]
    model = Session
    extra = 1
    autocomplete_fields = ("speakers",)


class DocumentInline(admin.TabularInline):  # type: ignore[type-arg]
    model = Document
    extra = 1
    # Only the declared types and sizes (`bilat.uploads`): a document is served from the site.
    formfield_overrides = LoggedAdmin.formfield_overrides | {
        models.FileField: {"validators": [uploads.check]}
    }


class QuestionInline(admin.TabularInline):  # type: ignore[type-arg]
    """The event's own questions on its registration form."""

    model = Question
    extra = 0
    fields = ("position", "text", "type", "options", "required")


@admin.register(Event)
class EventAdmin(LoggedAdmin):
    list_display = ("title", "kind", "starts", "ends", "place", "city", "published")
    list_filter = ("kind", "place", "published")
    search_fields = ("title", "city")
    prepopulated_fields = {"slug": ("title",)}  # noqa: RUF012
    filter_horizontal = ("themes", "organisers")
    date_hierarchy = "starts"
    inlines = (SessionInline, DocumentInline, QuestionInline)
    fieldsets = (
        (None, {"fields": ("title", "slug", "kind", "summary", "themes", "organisers")}),
        (
            "When",
            {"fields": ("starts", "ends", "start_time", "end_time", "timezone", "reminder_days")},
        ),
        ("Where", {"fields": ("place", "venue", "city", "country", "online_link")}),
        (
            "Registration",
            {"fields": ("registration_open", "capacity", "waiting_list", "published", "outcome")},
        ),
    )


class AnswerInline(admin.TabularInline):  # type: ignore[type-arg]
    model = Answer
    extra = 0
    readonly_fields = ("question", "value")
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Registration)
class RegistrationAdmin(LoggedAdmin):
    list_display = ("event", "person", "status", "attended", "side", "sector", "created")
    list_filter = ("status", "attended", "event")
    autocomplete_fields = ("person",)
    readonly_fields = ("side", "sector", "country", "organisation_type", "created", "reminded")
    inlines = (AnswerInline,)

    # What follows attendance (the awareness reach) follows edits made here too.
    def save_model(self, request: HttpRequest, obj: Any, form: ModelForm, change: bool) -> None:  # type: ignore[type-arg]
        super().save_model(request, obj, form, change)
        if {"attended", "status", "event"} & set(form.changed_data):
            attendance_changed(request.user, obj.event)

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        event = obj.event
        super().delete_model(request, obj)
        attendance_changed(request.user, event)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        events = {r.event for r in queryset.select_related("event")}
        super().delete_queryset(request, queryset)
        for event in events:
            attendance_changed(request.user, event)

"""Events in the admin: editors write an event with its agenda and documents here."""

from __future__ import annotations

from django.contrib import admin
from django.db import models

from bilat import uploads
from bilat.coordination.audit.admin import LoggedAdmin
from bilat.coordination.events.models import Document, Event, Registration, Session


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


@admin.register(Event)
class EventAdmin(LoggedAdmin):
    list_display = ("title", "kind", "starts", "ends", "place", "city", "published")
    list_filter = ("kind", "place", "published")
    search_fields = ("title", "city")
    prepopulated_fields = {"slug": ("title",)}  # noqa: RUF012
    filter_horizontal = ("themes", "organisers")
    date_hierarchy = "starts"
    inlines = (SessionInline, DocumentInline)


@admin.register(Registration)
class RegistrationAdmin(LoggedAdmin):
    list_display = ("event", "person", "status", "attended", "side", "sector", "created")
    list_filter = ("status", "attended", "event")
    autocomplete_fields = ("person",)
    readonly_fields = ("side", "sector", "country", "organisation_type", "created")

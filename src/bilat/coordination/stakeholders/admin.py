"""The directory in the admin, for editors' plain edits; deleting a person erases them."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models.query import QuerySet
from django.http import HttpRequest

from bilat.coordination.audit.admin import LoggedAdmin
from bilat.coordination.stakeholders.forms import LimitedAdminLogin
from bilat.coordination.stakeholders.models import Consent, Organisation, Person, Theme
from bilat.coordination.stakeholders.operations import erase_person

# The admin's log-in page gets the same brakes as the site's (a second door to the accounts).
admin.site.login_form = LimitedAdminLogin


@admin.register(Theme)
class ThemeAdmin(LoggedAdmin):
    search_fields = ("name",)


@admin.register(Organisation)
class OrganisationAdmin(LoggedAdmin):
    list_display = ("name", "side", "sector", "country", "pic", "match_state")
    list_filter = ("side", "sector", "match_state")
    search_fields = ("name", "pic")
    filter_horizontal = ("themes",)
    # A PIC typed here is an editor's confirmation; suggestions are bilat's, made and
    # decided on the organisation's page (`stakeholders.matching`).
    readonly_fields = (
        "match_state",
        "suggested_pic",
        "suggested_name",
        "suggestion_score",
        "match_checked",
    )


class ConsentInline(admin.TabularInline):  # type: ignore[type-arg]
    model = Consent
    extra = 0
    readonly_fields = ("purpose", "given", "withdrawn", "source")
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Person)
class PersonAdmin(LoggedAdmin):
    list_display = ("last_name", "first_name", "email", "organisation", "side", "country")
    list_filter = ("side", "organisation__sector")
    search_fields = ("first_name", "last_name", "email", "organisation__name")
    autocomplete_fields = ("organisation",)
    filter_horizontal = ("themes",)
    inlines = (ConsentInline,)

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        erase_person(request.user, obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        for person in queryset:
            erase_person(request.user, person)

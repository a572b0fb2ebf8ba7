"""The change log in the admin (read only), and the mixin that logs every admin edit."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db import models
from django.db.models.query import QuerySet
from django.forms import BaseModelFormSet, ModelForm
from django.http import HttpRequest

from bilat.coordination.audit.models import Change
from bilat.coordination.audit.operations import record


class LoggedAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """A model admin whose saves and deletes (inlines included) go to the change log."""

    # Addresses typed without a scheme are taken as https (Django 6's default, chosen now).
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}  # noqa: RUF012

    def save_model(self, request: HttpRequest, obj: Any, form: ModelForm, change: bool) -> None:  # type: ignore[type-arg]
        super().save_model(request, obj, form, change)
        record(request.user, "update" if change else "create", obj, form.changed_data)

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        record(request.user, "delete", obj)
        super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        for obj in queryset:
            record(request.user, "delete", obj)
        super().delete_queryset(request, queryset)

    def save_formset(
        self,
        request: HttpRequest,
        form: ModelForm,  # type: ignore[type-arg]
        formset: BaseModelFormSet,  # type: ignore[type-arg]
        change: bool,
    ) -> None:
        # Deleted rows lose their primary key when deleted: log them first.
        for deleted in formset.deleted_forms:
            if deleted.instance.pk is not None:
                record(request.user, "delete", deleted.instance)
        super().save_formset(request, form, formset, change)
        for obj in formset.new_objects:
            record(request.user, "create", obj)
        for obj, fields in formset.changed_objects:
            record(request.user, "update", obj, fields)


@admin.register(Change)
class ChangeAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("at", "user", "action", "model", "object_id", "fields", "note")
    list_filter = ("action", "model")
    search_fields = ("model", "object_id", "note")
    date_hierarchy = "at"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: models.Model | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: models.Model | None = None) -> bool:
        return False

"""URL of the change log page for editors."""

from __future__ import annotations

from django.urls import path

from bilat.coordination.audit import views

urlpatterns = [path("coordination/changes/", views.changes, name="changes")]

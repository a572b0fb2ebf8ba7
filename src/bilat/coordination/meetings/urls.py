"""URL of the editors' meeting schedule of an event."""

from __future__ import annotations

from django.urls import path

from bilat.coordination.meetings import views

urlpatterns = [
    path("coordination/events/<slug:slug>/meetings/", views.schedule, name="meetings"),
]

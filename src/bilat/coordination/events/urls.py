"""URLs of the public event pages and feeds, a participant's cancellation, and the editors'
event management and import of people."""

from __future__ import annotations

from django.urls import path

from bilat.coordination.events import views

urlpatterns = [
    path("events/", views.events, name="events"),
    path("events/calendar.ics", views.feed, name="events-feed"),
    path("events/<slug:slug>/", views.event, name="event"),
    path("events/<slug:slug>/register/", views.register_form, name="event-register"),
    path("events/confirm/<str:token>/", views.confirm_registration, name="event-confirm"),
    path("events/<slug:slug>.ics", views.event_ics, name="event-ics"),
    path("documents/<int:pk>/", views.document, name="event-document"),
    path("uploads/<path:name>", views.upload, name="upload"),
    path("me/registrations/<int:pk>/cancel/", views.me_cancel, name="me-cancel"),
    path("events/cancel/<str:token>/", views.cancel_by_link, name="event-cancel"),
    path("coordination/events/<slug:slug>/", views.manage, name="manage-event"),
    path(
        "coordination/events/<slug:slug>/registrations.csv",
        views.registrations_csv,
        name="event-registrations",
    ),
    path(
        "coordination/events/<slug:slug>/report.<str:fmt>",
        views.outcome_report,
        name="event-report",
    ),
    path("coordination/workshops/", views.series, name="workshop-series"),
    path("coordination/import/", views.import_people, name="import-people"),
    path("coordination/import/template.csv", views.template_csv, name="import-template"),
]

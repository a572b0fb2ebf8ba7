"""URLs of the feedback survey: the editors' page of an event's survey, and the attendee's
answer page reached from the signed link of their e-mail."""

from __future__ import annotations

from django.urls import path

from bilat.coordination.feedback import views

urlpatterns = [
    path("coordination/events/<slug:slug>/survey/", views.survey, name="survey"),
    path("feedback/<str:token>/", views.answer, name="feedback-answer"),
]

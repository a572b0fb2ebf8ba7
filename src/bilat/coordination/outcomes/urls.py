"""URL of the series report of the outcomes in the data."""

from __future__ import annotations

from django.urls import path

from bilat.coordination.outcomes import views

urlpatterns = [
    path("coordination/outcomes.<str:fmt>", views.series_report, name="series-report"),
]

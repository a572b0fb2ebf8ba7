"""URLs of the editors' start page, awareness log and activity report."""

from __future__ import annotations

from django.urls import path

from bilat.coordination.awareness import views

urlpatterns = [
    path("coordination/", views.start, name="coordination"),
    path("coordination/awareness/", views.log, name="awareness"),
    path("coordination/awareness/report.<str:fmt>", views.report, name="awareness-report"),
]

"""URLs of the editors' desk at an event: check-in, badges, certificates (and
a participant's own certificate, from /me/)."""

from __future__ import annotations

from django.urls import path

from bilat.coordination.desk import views

urlpatterns = [
    path("coordination/events/<slug:slug>/check-in/", views.check_in, name="check-in"),
    path("coordination/events/<slug:slug>/badges.pdf", views.badges, name="badges"),
    path(
        "coordination/events/<slug:slug>/certificates.pdf",
        views.certificates,
        name="certificates",
    ),
    path("me/registrations/<int:pk>/certificate.pdf", views.my_certificate, name="me-certificate"),
]

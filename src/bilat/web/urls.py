"""Every URL of the site, in one readable list."""

from __future__ import annotations

from django.contrib import admin
from django.urls import path

from bilat.web import views

urlpatterns = [
    path("", views.sources, name="home"),
    path("sources/", views.sources, name="sources"),
    path("admin/", admin.site.urls),
]

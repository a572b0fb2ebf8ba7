"""Every URL of the site, in one readable list."""

from __future__ import annotations

from django.contrib import admin
from django.urls import include, path

from bilat.web import views
from bilat.web.api import api

urlpatterns = [
    path("", views.home, name="home"),
    path("country/", views.country, name="country-default"),
    path("country/<str:code>/", views.country, name="country"),
    path("organisation/<str:pic>/", views.organisation, name="organisation"),
    path("project/<str:programme>/<str:project_id>/", views.project, name="project"),
    path("explore/", views.explore, name="explore-default"),
    path("explore/<str:table>/", views.explore, name="explore"),
    path("explore/<str:table>.<str:fmt>", views.export_listing, name="export-listing"),
    path("export/<str:name>.<str:fmt>", views.export_indicator, name="export-indicator"),
    path("report/<str:name>.<str:fmt>", views.report, name="report"),
    path("sources/", views.sources, name="sources"),
    path("assets/vega.js", views.vega_bundle, name="vega-bundle"),
    # Coordination: events, recommendations, participants' own data, editors' pages.
    path("", include("bilat.coordination.events.urls")),
    path("", include("bilat.coordination.recommendations.urls")),
    path("", include("bilat.coordination.stakeholders.urls")),
    path("", include("bilat.coordination.awareness.urls")),
    path("", include("bilat.coordination.audit.urls")),
    path("api/", api.urls),
    path("admin/", admin.site.urls),
]

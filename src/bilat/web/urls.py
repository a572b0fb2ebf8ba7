"""The observatory's URLs, mounted at the root of the site by `bilat.site.urls`."""

from __future__ import annotations

from django.templatetags.static import static
from django.urls import path
from django.views.generic import RedirectView

from bilat.web import partners, views

urlpatterns = [
    path("", views.home, name="home"),
    path("country/", views.country_picked, name="country-default"),
    path("country/<str:code>/", views.country, name="country"),
    path("compare/", views.compare, name="compare"),
    path("compare.<str:fmt>", views.compare_download, name="compare-download"),
    path("organisation/<str:pic>/", views.organisation, name="organisation"),
    path("project/<str:programme>/<str:project_id>/", views.project, name="project"),
    path("explore/", views.explore, name="explore-default"),
    path("explore/<str:table>/", views.explore, name="explore"),
    path("explore/<str:table>.<str:fmt>", views.export_listing, name="export-listing"),
    path("export/<str:name>.<str:fmt>", views.export_indicator, name="export-indicator"),
    path("report/<str:name>.<str:fmt>", views.report, name="report"),
    path("sources/", views.sources, name="sources"),
    path("partners/", partners.partners, name="partners"),
    path("partners.<str:fmt>", partners.partners_download, name="partners-download"),
    path("assets/vega.js", views.vega_bundle, name="vega-bundle"),
    # Browsers and feed readers ask for /favicon.ico whatever the page's <link rel=icon> says.
    path("favicon.ico", RedirectView.as_view(url=static("bilat/favicon.svg"), permanent=True)),
]

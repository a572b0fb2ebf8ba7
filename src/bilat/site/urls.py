"""The site's URL table: the observatory's and each coordination app's URLs, the API and
the admin."""

from __future__ import annotations

from django.contrib import admin
from django.urls import include, path

from bilat.site.api import api

urlpatterns = [
    # The observatory: overview, country profiles, records, explore tables, exports, sources.
    path("", include("bilat.web.urls")),
    # Coordination: events, recommendations, participants' own data, editors' pages.
    path("", include("bilat.coordination.events.urls")),
    path("", include("bilat.coordination.recommendations.urls")),
    path("", include("bilat.coordination.stakeholders.urls")),
    path("", include("bilat.coordination.awareness.urls")),
    path("", include("bilat.coordination.desk.urls")),
    path("", include("bilat.coordination.meetings.urls")),
    path("", include("bilat.coordination.feedback.urls")),
    path("", include("bilat.coordination.outcomes.urls")),
    path("", include("bilat.coordination.audit.urls")),
    path("api/", api.urls),
    path("admin/", admin.site.urls),
]

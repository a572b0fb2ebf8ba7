"""URLs of the public recommendations register and of the editors' pages."""

from __future__ import annotations

from django.urls import path

from bilat.coordination.recommendations import views

urlpatterns = [
    path("recommendations/", views.register, name="recommendations"),
    path("recommendations.<str:fmt>", views.export, name="recommendations-export"),
    path("recommendations/<int:pk>/", views.detail, name="recommendation"),
    path("coordination/recommendations/new/", views.new, name="new-recommendation"),
    path("coordination/recommendations/<int:pk>/", views.edit, name="edit-recommendation"),
]

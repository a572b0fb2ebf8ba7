"""URLs of accounts, participants' own data, and the editors' directory."""

from __future__ import annotations

from django.contrib.auth import views as auth
from django.urls import path

from bilat.coordination.stakeholders import views

urlpatterns = [
    path("accounts/login/", views.LogIn.as_view(), name="login"),
    path("accounts/logout/", auth.LogoutView.as_view(), name="logout"),
    path("accounts/signup/", views.signup, name="signup"),
    path("accounts/signup/<str:token>/", views.signup_confirm, name="signup-confirm"),
    path("accounts/password/reset/", views.password_reset, name="password-reset"),
    # The admin's log-in page links to the same page ("Forgotten your password?").
    path("accounts/password/reset/", views.password_reset, name="admin_password_reset"),
    path(
        "accounts/password/reset/<str:uid>/<str:token>/",
        views.password_reset_confirm,
        name="password-reset-confirm",
    ),
    path("me/", views.me, name="me"),
    path("me/password/", views.password_change, name="password-change"),
    path("me/data.json", views.me_export, name="me-export"),
    path("me/erase/", views.me_erase, name="me-erase"),
    path("coordination/people/", views.people, name="people"),
    path("coordination/people.csv", views.people_csv, name="people-csv"),
    path("coordination/people/<int:pk>/", views.person, name="person"),
    path("coordination/people/<int:pk>/data.json", views.person_export, name="person-export"),
    path("coordination/people/<int:pk>/erase/", views.person_erase, name="person-erase"),
    path("coordination/organisations/<int:pk>/", views.organisation, name="directory-organisation"),
    path("coordination/organisations/suggest/", views.suggest_matches, name="suggest-matches"),
]

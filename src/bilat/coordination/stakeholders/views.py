"""Pages of the stakeholder side: a participant's own data (sign-up, see, change, export,
erase), and the editors' directory. Personal data never leaves these pages for anyone but
the person and the editors. (Cancelling a registration and importing people, which may
register them, are events' pages: the directory knows nothing of events.)"""

from __future__ import annotations

import json
from typing import cast

from django.contrib import messages
from django.contrib.auth import login, update_session_auth_hash
from django.contrib.auth import views as auth
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import SetPasswordForm
from django.contrib.auth.models import User
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from bilat.coordination import limits
from bilat.coordination.filtering import checked, known, paged
from bilat.coordination.roles import editor_required, is_editor
from bilat.coordination.stakeholders import directory, matching, passwords
from bilat.coordination.stakeholders.accounts import (
    LINK_HOURS,
    AccountMade,
    create_account,
    export_own,
    read_link,
    request_account,
)
from bilat.coordination.stakeholders.forms import (
    DirectoryFilter,
    LimitedLogin,
    LimitedPasswordChange,
    PasswordResetForm,
    PersonForm,
    SignupForm,
)
from bilat.coordination.stakeholders.models import (
    Organisation,
    Person,
    person_of,
)
from bilat.coordination.stakeholders.operations import (
    erase_person,
    export_person,
    save_person,
    set_consents,
)
from bilat.downloads import attachment, download
from bilat.errors import BilatError, CoordinationError
from bilat.records.organisation import organisation as cordis_organisation
from bilat.serving import warehouse


class LogIn(auth.LoginView):
    """The log-in page: editors land on their start page, participants on their own data;
    past the brakes the page answers 429 Too Many Requests, not a plain 200."""

    authentication_form = LimitedLogin

    def get_default_redirect_url(self) -> str:
        return reverse("coordination" if is_editor(self.request.user) else "me")

    def form_invalid(self, form: LimitedLogin) -> HttpResponse:  # type: ignore[override]
        response = super().form_invalid(form)
        if form.wait is not None:
            return limits.held(response, form.wait)
        return response


def signup(request: HttpRequest) -> HttpResponse:
    """Ask for an account: a link to choose a password goes to the address. The answer is
    the same whether or not the address is known."""
    known(request)
    form = SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        signup = form.signup()
        try:
            limits.attempt(limits.SIGNUP, signup.email, limits.client_of(request))
        except limits.TooManyAttempts as error:
            form.add_error(None, str(error))
            page = render(request, "stakeholders/signup.html", {"form": form})
            return limits.held(page, error.seconds)
        request_account(signup)
        context = {"sent": signup.email, "hours": LINK_HOURS}
        return render(request, "stakeholders/signup.html", context)
    return render(request, "stakeholders/signup.html", {"form": form})


def signup_confirm(request: HttpRequest, token: str) -> HttpResponse:
    """The link of the sign-up e-mail: the address is proven; choose a password, and the
    account is made and linked to the directory record of that address."""
    try:
        signup = read_link(token)
    except CoordinationError as error:
        made = isinstance(error, AccountMade)
        context = {"error": str(error), "made": made}
        return render(request, "stakeholders/signup.html", context, status=400)
    shape = User(username=signup.email, email=signup.email, first_name=signup.first_name)
    form = SetPasswordForm(shape, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = create_account(signup, form.cleaned_data["new_password1"])
        except CoordinationError as error:
            messages.error(request, str(error))
            return redirect("login")
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, "Your account is ready. Check your details and consent.")
        return redirect("me")
    context = {"form": form, "email": signup.email}
    return render(request, "stakeholders/signup_confirm.html", context)


def password_reset(request: HttpRequest) -> HttpResponse:
    """Ask for a link to choose a new password. The page, its wording and the work behind it
    (one message to the address) are the same whether or not an account has the address."""
    known(request)
    form = PasswordResetForm(request.POST or None)
    context: dict[str, object] = {"form": form, "hours": passwords.HOURS}
    if request.method == "POST" and form.is_valid():
        email = form.address()
        try:
            limits.attempt(limits.PASSWORD_RESET, email, limits.client_of(request))
        except limits.TooManyAttempts as error:
            form.add_error(None, str(error))
            page = render(request, "stakeholders/password_reset.html", context)
            return limits.held(page, error.seconds)
        passwords.request_reset(email)
        context["sent"] = email
    return render(request, "stakeholders/password_reset.html", context)


# The link's token waits in the session once checked, and the page moves to an address
# without it: it stays out of the address bar and of any Referer (Django's own reset does so).
RESET_TOKEN = "bilat-password-reset-token"
IN_SESSION = "set-password"


@sensitive_post_parameters()
@never_cache
def password_reset_confirm(request: HttpRequest, uid: str, token: str) -> HttpResponse:
    """The link of the e-mail: choose a new password, checked by Django's validators; once
    set, the link and every other one sent before stop working, other sessions of the
    account end (Django checks each session against the password), and this one logs in."""
    known(request)
    try:
        if token != IN_SESSION:
            passwords.account_of_link(uid, token)
            request.session[RESET_TOKEN] = token
            return redirect("password-reset-confirm", uid, IN_SESSION)
        token = request.session.get(RESET_TOKEN, "")
        user = passwords.account_of_link(uid, token)
        form = SetPasswordForm(user, request.POST or None)
        if request.method == "POST" and form.is_valid():
            user = passwords.reset_password(uid, token, form.cleaned_data["new_password1"])
            del request.session[RESET_TOKEN]
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, "Your new password is set, and you are logged in.")
            return redirect("coordination" if is_editor(user) else "me")
    except CoordinationError as error:
        refused = {"error": str(error)}
        return render(request, "stakeholders/password_reset_confirm.html", refused, status=400)
    context = {"form": form, "account": user.get_username()}
    return render(request, "stakeholders/password_reset_confirm.html", context)


@sensitive_post_parameters()
@never_cache
@login_required
def password_change(request: HttpRequest) -> HttpResponse:
    """Change one's own password: the current one, then the new one twice (Django's
    validators). It acts on the logged-in account only, whatever the form posts; this session
    stays logged in, every other one of the account ends (Django checks each session against
    the password hash, which `update_session_auth_hash` renews here only)."""
    known(request)
    user = cast(User, request.user)
    form = LimitedPasswordChange(user, limits.client_of(request), request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            user = passwords.change_password(user, form.cleaned_data["new_password1"])
            update_session_auth_hash(request, user)
            messages.success(request, "Your password is changed; other sessions are logged out.")
            return redirect("me")
        if form.wait is not None:
            page = render(request, "stakeholders/password_change.html", {"form": form})
            return limits.held(page, form.wait)
    return render(request, "stakeholders/password_change.html", {"form": form})


@login_required
def me(request: HttpRequest) -> HttpResponse:
    """A participant's own record: details, consent, registrations."""
    known(request)
    person = person_of(request.user)
    if person is None:
        return render(request, "stakeholders/me.html", {"person": None})
    form = PersonForm(request.POST or None, initial=PersonForm.initial_of(person))
    # The address is the account: shown, not changed here (an editor changes it).
    form.fields["email"].disabled = True
    form.fields["email"].help_text = "Your address is your account: ask the team to change it."
    if request.method == "POST" and form.is_valid():
        data = form.data_of()
        try:
            save_person(request.user, data, source="own page", own=True)
        except CoordinationError as error:
            form.add_error(error.field, str(error))
        else:
            set_consents(request.user, person, data.consents, source="own page")
            messages.success(request, "Your details are saved.")
            return redirect("me")
    registrations = person.registrations.select_related("event").order_by("-event__starts")
    context = {
        "person": person,
        "form": form,
        "registrations": registrations,
    }
    return render(request, "stakeholders/me.html", context)


@login_required
def me_export(request: HttpRequest) -> HttpResponse:
    """The signed-in person's own data as JSON: an editor is a person too, and gets theirs
    (their account, their record if any), never anyone else's."""
    known(request)
    return _json_download(export_own(cast(User, request.user)), "my-data-bilat")


@login_required
def me_erase(request: HttpRequest) -> HttpResponse:
    """Erase one's own record and account, after a confirmation."""
    known(request)
    person = person_of(request.user)
    if request.method == "POST" and person is not None and request.POST.get("confirm") == "yes":
        erase_person(request.user, person)
        messages.success(request, "Your data has been erased from bilat.")
        return redirect("home")
    return render(request, "stakeholders/erase.html", {"person": person, "own": True})


def _json_download(data: object, stem: str) -> HttpResponse:
    text = json.dumps(data, indent=2, ensure_ascii=False)
    return attachment(text.encode("utf-8"), "json", stem)


ORGANISATIONS_SHOWN = 30


@editor_required
def people(request: HttpRequest) -> HttpResponse:
    """The directory, filtered, 50 people a page; the organisations with most people."""
    known(request, DirectoryFilter.base_fields, "page")
    checked(DirectoryFilter(request.GET))
    found = directory.search(request.GET).select_related("organisation")
    pager = paged(request, found, rows=directory.listed)
    context = {
        "pager": pager,
        "query": pager.others,
        "options": directory.filter_options(request.GET),
        "organisations": directory.largest_organisations(ORGANISATIONS_SHOWN),
        "organisations_total": Organisation.objects.count(),
    }
    return render(request, "stakeholders/people.html", context)


@editor_required
def people_csv(request: HttpRequest) -> HttpResponse:
    """The filtered directory as CSV: a mailing list of those who agreed to the newsletter
    is `?consent=newsletter`."""
    known(request, DirectoryFilter.base_fields)
    checked(DirectoryFilter(request.GET))
    return download(directory.table(directory.search(request.GET)), "csv", "stakeholders")


@editor_required
def person(request: HttpRequest, pk: int) -> HttpResponse:
    known(request)
    found = get_object_or_404(Person.objects.select_related("organisation", "user"), pk=pk)
    context = {
        "person": found,
        "consents": found.consent_set.all(),
        "registrations": found.registrations.select_related("event"),
        "talks": found.talks.select_related("event"),
    }
    return render(request, "stakeholders/person.html", context)


@editor_required
def person_export(request: HttpRequest, pk: int) -> HttpResponse:
    known(request)
    found = get_object_or_404(Person, pk=pk)
    return _json_download(export_person(found, notes=True), f"person-{pk}-bilat")


@editor_required
def person_erase(request: HttpRequest, pk: int) -> HttpResponse:
    known(request)
    found = get_object_or_404(Person, pk=pk)
    if request.method == "POST" and request.POST.get("confirm") == "yes":
        erase_person(request.user, found)
        messages.success(request, f"Person #{pk} has been erased.")
        return redirect("people")
    return render(request, "stakeholders/erase.html", {"person": found, "own": False})


@editor_required
def organisation(request: HttpRequest, pk: int) -> HttpResponse:
    """A directory organisation, its people, events, and its CORDIS record when it has a PIC;
    the CORDIS organisations it may be, to confirm one (or say there is none)."""
    known(request)
    found = get_object_or_404(Organisation, pk=pk)
    if request.method == "POST":
        try:
            _decide_match(request, found)
        except (BilatError, ValueError) as error:
            messages.error(request, str(error))
        return redirect("directory-organisation", pk=pk)
    record, candidates = None, None
    try:
        if found.pic:
            record = cordis_organisation(warehouse(), found.pic)
        candidates = matching.candidates(warehouse(), found)
    except BilatError as error:
        messages.warning(request, str(error))
    context = {
        "organisation": found,
        "people": found.people.all(),
        "events": found.event_set.all(),  # the events it organised
        "record": record,
        "candidates": candidates,
    }
    return render(request, "stakeholders/organisation.html", context)


def _decide_match(request: HttpRequest, found: Organisation) -> None:
    """An editor's decision on the organisation's PIC: this one, or none."""
    if request.POST.get("action") == "none":
        matching.no_match(request.user, found)
        messages.success(request, f"{found}: no CORDIS organisation.")
        return
    text = request.POST.get("pic", "").strip()
    if not text.isdigit() or len(text) > 12:
        raise CoordinationError(f"{text!r} is not a PIC; a PIC is a number like 999467340.")
    matching.confirm(request.user, warehouse(), found, int(text))
    messages.success(request, f"{found}: PIC {text} confirmed.")


@editor_required
@require_POST
def suggest_matches(request: HttpRequest) -> HttpResponse:
    """Suggest a CORDIS organisation for every organisation without one (editors confirm)."""
    try:
        n = matching.suggest_all(request.user, warehouse())
    except BilatError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"{n} organisations have a suggested CORDIS organisation.")
    return redirect("people")

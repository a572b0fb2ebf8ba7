"""Forms of the stakeholder side: a person's details and consent, sign-up, log-in and asking
for a new password."""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import Any, TypeVar

from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm
from django.contrib.auth.models import User
from django.utils.safestring import SafeString

from bilat.coordination import countries, limits
from bilat.coordination.filtering import select_in_one_template
from bilat.coordination.stakeholders.accounts import Signup
from bilat.coordination.stakeholders.models import Person, Purpose, Theme
from bilat.coordination.stakeholders.operations import PersonData
from bilat.coordination.vocabulary import Sector, Side


def country_choices() -> list[tuple[str, str]]:
    ordered = sorted(countries.names().items(), key=lambda item: item[1])
    return [("", "Choose a country"), *ordered]


class PublicForm(forms.Form):
    """A form anyone can post, with a trap for form-filling robots: people do not see the
    `website` box (the stylesheet moves it off the page) and leave it empty; a robot that
    fills every box is refused."""

    website = forms.CharField(
        required=False,
        label="Leave this empty",
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["website"] = self.fields.pop("website")  # last, after the real boxes

    def clean_website(self) -> str:
        if self.cleaned_data["website"]:
            raise forms.ValidationError("This form could not be sent; please try again.")
        return ""


class BlankRenderedOnce(forms.Form):
    """A form written once per process while it is blank: not bound, no initial values,
    no errors added. Its HTML then depends only on its class and the constructor's layout
    arguments (the cache's key), and it cost an event's management page as much as its
    statistics and attendance sheet together (the 250 countries of a person's form, and
    Django's nested templates for each of its nine boxes). Only for forms whose fields do
    not depend on their other arguments (not the public registration form, which adds the
    event's questions)."""

    def render(
        self, template_name: str | None = None, context: Any = None, renderer: Any = None
    ) -> SafeString:
        blank = not self.is_bound and not self.initial and self._errors is None  # type: ignore[attr-defined]
        if blank and template_name is None and context is None and renderer is None:
            return _blank_html(
                type(self),
                self.auto_id,
                self.prefix,
                self.label_suffix,
                self.use_required_attribute,
            )
        return super().render(template_name, context, renderer)

    __str__ = __html__ = render  # Django binds these to its own render


@cache
def _blank_html(
    form: type[BlankRenderedOnce],
    auto_id: bool | str,
    prefix: str | None,
    label_suffix: str,
    use_required_attribute: bool,
) -> SafeString:
    blank = form(
        auto_id=auto_id,
        prefix=prefix,
        label_suffix=label_suffix,
        use_required_attribute=use_required_attribute,
    )
    return forms.Form.render(blank)


class PersonForm(PublicForm):
    """A person's details and what they agree to. `registration` consent is required when the
    form registers for an event."""

    first_name = forms.CharField(max_length=120)
    last_name = forms.CharField(max_length=120)
    email = forms.EmailField(label="E-mail")
    organisation = forms.CharField(max_length=250, required=False)
    sector = forms.ChoiceField(choices=Sector.choices, initial=Sector.OTHER)
    country = forms.ChoiceField(choices=country_choices)
    position = forms.CharField(max_length=200, required=False)
    consents = forms.MultipleChoiceField(
        choices=Purpose.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        label="I agree that bilat's coordination team may",
    )

    def __init__(self, *args: Any, require_registration: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.require_registration = require_registration
        select_in_one_template(self)

    def clean_consents(self) -> list[str]:
        consents: list[str] = self.cleaned_data["consents"]
        if self.require_registration and Purpose.REGISTRATION not in consents:
            raise forms.ValidationError(
                "Registering needs your consent to handle your registration."
            )
        return consents

    def data_of(self) -> PersonData:
        c = self.cleaned_data
        return PersonData(
            first_name=c["first_name"],
            last_name=c["last_name"],
            email=c["email"],
            organisation=c["organisation"],
            country=c["country"],
            sector=c["sector"],
            position=c["position"],
            consents=c["consents"],
        )

    @classmethod
    def initial_of(cls, person: Person) -> dict[str, Any]:
        return {
            "first_name": person.first_name,
            "last_name": person.last_name,
            "email": person.email,
            "organisation": person.organisation.name if person.organisation else "",
            "sector": person.sector,
            "country": person.country,
            "position": person.position,
            "consents": sorted(person.consents()),
        }


class AddPersonForm(BlankRenderedOnce, PersonForm):
    """A person's form on an event's management page, where an editor registers someone:
    blank on every visit, so written once."""


class SignupForm(PublicForm):
    """Asking for a participant's account: the address gets a link to choose a password."""

    email = forms.EmailField(label="E-mail")
    first_name = forms.CharField(max_length=120)
    last_name = forms.CharField(max_length=120)

    def signup(self) -> Signup:
        c = self.cleaned_data
        return Signup(c["email"].strip().lower(), c["first_name"], c["last_name"])


class PasswordResetForm(PublicForm):
    """Asking for a link to choose a new password: the address of the account."""

    email = forms.EmailField(
        label="E-mail", widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )

    def address(self) -> str:
        return str(self.cleaned_data["email"]).strip().lower()


Checked = TypeVar("Checked")


class _Braked:
    """A form whose password check runs under the log-in brake (`limits.LOGIN`): refused
    outright past it, and each wrong password counted against the account and the client."""

    wait: int | None = None  # seconds until the brake lets the password be tried again

    def _braked(self, username: str, client: str, check: Callable[[], Checked]) -> Checked:
        try:
            limits.check(limits.LOGIN, username, client)
        except limits.TooManyAttempts as error:
            self.wait = error.seconds
            raise forms.ValidationError(str(error), code="too_many") from error
        try:
            return check()
        except forms.ValidationError:
            limits.count(limits.LOGIN, username, client)
            raise


class LimitedLogin(_Braked, AuthenticationForm):
    """Log-in with brakes: after too many wrong passwords for an account, or from a client,
    even the right one is refused until the window ends (`limits.LOGIN`)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["username"].label = "E-mail address or user name"

    def clean_username(self) -> str:
        """The account's own spelling of the name typed, up to case and surrounding spaces: a
        participant's user name is their address (kept in lower case), which people type in
        any case. Compared again in Python, as the database's case-insensitive match may fold
        more than case (PostgreSQL's upper() makes the dotless i an I)."""
        typed = str(self.cleaned_data["username"]).strip()
        wanted = typed.casefold()
        found = [
            name
            for name in User.objects.filter(username__iexact=typed).values_list(
                "username", flat=True
            )[:3]
            if name.casefold() == wanted
        ]
        return found[0] if len(found) == 1 else typed

    def clean(self) -> dict[str, Any]:
        username = self.cleaned_data.get("username") or ""
        client = limits.client_of(self.request) if self.request else "unknown"
        return self._braked(username, client, super().clean)


class LimitedAdminLogin(LimitedLogin, AdminAuthenticationForm):
    """The admin's own log-in page, with the same brakes."""


class DirectoryFilter(forms.Form):
    """What the directory's page and its download accept as filters (the page writes its own
    boxes): a value outside these answers 400 naming the parameter, not the whole directory."""

    q = forms.CharField(required=False, max_length=200)
    side = forms.ChoiceField(choices=[("", "Any"), *Side.choices], required=False)
    sector = forms.ChoiceField(choices=[("", "Any"), *Sector.choices], required=False)
    theme = forms.ModelChoiceField(Theme.objects.all(), required=False, to_field_name="name")
    consent = forms.ChoiceField(choices=[("", "Anything"), *Purpose.choices], required=False)


class LimitedPasswordChange(_Braked, PasswordChangeForm):
    """Change one's password, logged in: wrong current passwords count against the account's
    log-in brake (`limits.LOGIN`), so a stolen session guesses no faster than the log-in page
    allows; past it even the right one is refused until the window ends."""

    def __init__(self, user: Any, client: str, data: Any = None) -> None:
        super().__init__(user, data)
        self.client = client
        self.fields["old_password"].label = "Current password"

    def clean_old_password(self) -> str:
        checked = self._braked(self.user.get_username(), self.client, super().clean_old_password)
        return str(checked)

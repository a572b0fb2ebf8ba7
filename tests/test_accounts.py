"""Participants' accounts: nobody takes over a directory record by signing up with its
address. The account is made, and linked to the record, only from the signed link sent to
the address; the link expires and cannot be altered; asking answers the same for any
address; the editors' notes never reach the person's own account."""

from __future__ import annotations

import json
import time
from datetime import date
from html.parser import HTMLParser

import pytest
from django.contrib.auth.models import User
from django.core import mail, signing
from django.test import Client

from bilat.coordination import demo
from bilat.coordination.audit.models import Change
from bilat.coordination.audit.operations import record
from bilat.coordination.events.models import Session, Status
from bilat.coordination.meetings.operations import meetings_of
from bilat.coordination.stakeholders.forms import PersonForm
from bilat.coordination.stakeholders.models import PendingSignup, Person

from factories import link_in, make_editor, make_participant, make_person

pytestmark = [pytest.mark.coordination, pytest.mark.django_db]
NOTES = "Met at the embassy reception; follow up on the visa question."
SIGNUP = {
    "email": "ADA@example.org",
    "first_name": "Mallory",
    "last_name": "Intruder",
    "password1": "a-long-pass-phrase-9",
    "password2": "a-long-pass-phrase-9",
}


def test_signing_up_with_a_known_address_shows_and_changes_nothing_of_its_record():
    """Finding 1 of issue 14: the sign-up linked the new account to the record at once."""
    known = make_person("ada@example.org", first_name="Ada", last_name="Lovelace")
    Person.objects.filter(pk=known.pk).update(notes=NOTES)
    intruder = Client()
    intruder.post("/accounts/signup/", SIGNUP)
    known.refresh_from_db()
    assert known.user is None
    assert (known.first_name, known.last_name) == ("Ada", "Lovelace")
    page = intruder.get("/me/", follow=True).content.decode()
    assert "ada@example.org" not in page and "Lovelace" not in page
    assert NOTES not in intruder.get("/me/data.json", follow=True).content.decode()
    assert intruder.post("/me/erase/", {"confirm": "yes"}).status_code != 200
    assert Person.objects.filter(pk=known.pk).exists()


def test_the_link_sent_to_the_address_makes_the_account_and_links_the_record(
    django_capture_on_commit_callbacks,
):
    known = make_person("ada@example.org", first_name="Ada", last_name="Lovelace")
    client = Client()
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/accounts/signup/", SIGNUP)
    [message] = mail.outbox
    assert message.to == ["ada@example.org"]
    link = link_in(message)
    weak = client.post(link, {"new_password1": "password", "new_password2": "password"})
    assert "This password is too common." in weak.content.decode()
    assert not User.objects.exists()
    strong = {"new_password1": "Tide-Atlas-Lantern-42", "new_password2": "Tide-Atlas-Lantern-42"}
    assert client.post(link, strong).status_code == 302
    known.refresh_from_db()
    assert known.user is not None and known.user.username == "ada@example.org"
    assert known.last_name == "Lovelace"  # the record is not renamed by the sign-up form
    linked = Change.objects.get(action="link")
    assert (linked.user, linked.object_id, linked.fields) == (known.user, str(known.pk), ["user"])
    assert "ada@example.org" in client.get("/me/").content.decode()
    used = client.post(link, strong)  # the link works once
    assert used.status_code == 400 and "used already" in used.content.decode()
    assert User.objects.count() == 1
    # Opened again, the link says to log in, not to ask for a new link; what waited for it
    # keeps no name.
    again = Client().get(link).content.decode()
    assert "has an account" in again and 'href="/accounts/login/"' in again
    assert "ask for a new" not in again.lower()
    assert PendingSignup.objects.filter(first_name="", last_name="", used=True).count() == 1


def test_an_unknown_address_gets_a_new_record_once_proven(django_capture_on_commit_callbacks):
    client = Client()
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/accounts/signup/", SIGNUP | {"email": "new@example.org"})
    assert not Person.objects.exists()
    strong = {"new_password1": "Tide-Atlas-Lantern-42", "new_password2": "Tide-Atlas-Lantern-42"}
    client.post(link_in(mail.outbox[0]), strong)
    person = Person.objects.get()
    assert (person.email, person.first_name, person.user.username) == (
        "new@example.org",
        "Mallory",
        "new@example.org",
    )


def test_asking_for_an_account_answers_the_same_for_any_address(
    django_capture_on_commit_callbacks,
):
    make_participant(make_person("ada@example.org"))
    answers = []
    for email in ("ada@example.org", "nobody@example.org"):
        with django_capture_on_commit_callbacks(execute=True):
            response = Client().post("/accounts/signup/", SIGNUP | {"email": email})
        answers.append(response.content.decode().replace(email, "ADDRESS"))
    assert answers[0] == answers[1]
    has_one, new = mail.outbox
    assert "has one already" in has_one.body and "/accounts/login/" in has_one.body
    assert "/accounts/signup/" in new.body


def _signup_token(django_capture_on_commit_callbacks, form: dict[str, str] = SIGNUP) -> str:
    """The token of the link the sign-up form e-mails (the last message sent)."""
    with django_capture_on_commit_callbacks(execute=True):
        Client().post("/accounts/signup/", form)
    return link_in(mail.outbox[-1]).rstrip("/").split("/")[-1]


def test_an_altered_or_expired_link_is_refused(monkeypatch, django_capture_on_commit_callbacks):
    payload, stamp, signature = _signup_token(django_capture_on_commit_callbacks).split(":")
    other = signing.b64_encode(b'"a-key-of-my-choosing"').decode()
    altered = Client().get(f"/accounts/signup/{other}:{stamp}:{signature}/")
    assert altered.status_code == 400 and "not valid" in altered.content.decode()
    later = time.time() + 49 * 3600
    monkeypatch.setattr(signing.time, "time", lambda: later)
    expired = Client().get(f"/accounts/signup/{payload}:{stamp}:{signature}/")
    assert expired.status_code == 400 and "more than 48 hours old" in expired.content.decode()
    assert not User.objects.exists()


def test_the_link_carries_no_personal_data(django_capture_on_commit_callbacks):
    """The address and name wait on the server: the link (which browsers' histories, proxies
    and servers' logs keep) carries a signed random key, even once its base64 is decoded."""
    token = _signup_token(django_capture_on_commit_callbacks)
    payload = token.split(":")[0]
    decoded = signing.b64_decode(payload.encode()).decode()
    for personal in ("ada", "example.org", "Mallory", "Intruder"):
        assert personal.lower() not in (token + decoded).lower()
    pending = PendingSignup.objects.get()
    assert (pending.email, pending.first_name, pending.last_name) == (
        "ada@example.org",
        "Mallory",
        "Intruder",
    )
    assert decoded == f'"{pending.key}"' and len(pending.key) >= 32


def test_a_newer_request_replaces_the_link(django_capture_on_commit_callbacks):
    first = _signup_token(django_capture_on_commit_callbacks)
    second = _signup_token(django_capture_on_commit_callbacks, SIGNUP | {"first_name": "Ada"})
    replaced = Client().get(f"/accounts/signup/{first}/")
    assert replaced.status_code == 400 and "newer one" in replaced.content.decode()
    assert Client().get(f"/accounts/signup/{second}/").status_code == 200
    assert PendingSignup.objects.get().first_name == "Ada"


def test_a_link_signed_for_another_purpose_is_refused(django_capture_on_commit_callbacks):
    """Each kind of link has its own salt: a valid token of one kind opens no other."""
    token = _signup_token(django_capture_on_commit_callbacks)
    key = PendingSignup.objects.get().key
    for salt in ("bilat.coordination.registration", "bilat.feedback.invitation", "other"):
        foreign = signing.TimestampSigner(salt=salt).sign_object(key)
        answer = Client().get(f"/accounts/signup/{foreign}/")
        assert answer.status_code == 400 and "not valid" in answer.content.decode()
    for page in ("/events/confirm/", "/events/cancel/", "/feedback/"):
        assert Client().get(f"{page}{token}/").status_code == 400, page
    assert PendingSignup.objects.exists() and not User.objects.exists()


def test_a_link_for_an_address_that_has_got_an_account_since_is_refused(
    django_capture_on_commit_callbacks,
):
    token = _signup_token(django_capture_on_commit_callbacks)
    make_participant(make_person("ada@example.org", first_name="Ada"))
    strong = {"new_password1": "Tide-Atlas-Lantern-42", "new_password2": "Tide-Atlas-Lantern-42"}
    answer = Client().post(f"/accounts/signup/{token}/", strong)
    assert answer.status_code == 400 and "has an account" in answer.content.decode()
    assert User.objects.count() == 1 and not PendingSignup.objects.filter(used=False).exists()


def test_erasing_a_person_forgets_their_pending_sign_up(django_capture_on_commit_callbacks):
    token = _signup_token(django_capture_on_commit_callbacks)
    person = make_person("ada@example.org")
    editor = Client()
    editor.force_login(make_editor())
    editor.post(f"/coordination/people/{person.pk}/erase/", {"confirm": "yes"})
    assert not Person.objects.exists() and not PendingSignup.objects.exists()
    assert Client().get(f"/accounts/signup/{token}/").status_code == 400


def test_editors_notes_never_reach_the_persons_own_account():
    person = make_person("ada@example.org")
    Person.objects.filter(pk=person.pk).update(notes=NOTES)
    own = Client()
    own.force_login(make_participant(person))
    assert NOTES not in own.get("/me/data.json").content.decode()
    assert NOTES not in own.get("/me/").content.decode()
    editor = Client()
    editor.force_login(make_editor())
    exported = json.loads(editor.get(f"/coordination/people/{person.pk}/data.json").content)
    assert exported["person"]["notes"] == NOTES


def test_an_editor_downloads_their_own_data_and_nobody_elses():
    """An editor is a person too: /me/data.json gives them their account (they have no
    directory record), never the directory's people, nor another account."""
    ada = make_person("ada@example.org", first_name="Ada", last_name="Lovelace")
    other = make_editor("other-editor")
    other.email, other.first_name = "grace@example.org", "Grace"
    other.save()
    user = make_editor()
    for field in ("notes", "position"):  # changes the editor made: counted, not shown
        record(user, "update", ada, [field])
    record(other, "update", ada, ["notes"])
    editor = Client()
    editor.force_login(user)
    answer = editor.get("/me/data.json")
    assert answer.status_code == 200
    assert answer["Content-Disposition"] == 'attachment; filename="my-data-bilat.json"'
    data = json.loads(answer.content)
    assert data["account"]["username"] == "editor" and data["account"]["role"] == "editor"
    assert data["account"]["changes_logged"] == 2
    assert data["person"] is None
    for others in ("ada@example.org", "Lovelace", "grace@example.org", "other-editor"):
        assert others not in answer.content.decode()
    assert "/me/data.json" in editor.get("/me/").content.decode()


def test_a_participants_download_has_their_account_and_their_record():
    person = make_person("ada@example.org", first_name="Ada")
    own = Client()
    own.force_login(make_participant(person))
    data = json.loads(own.get("/me/data.json").content)
    assert data["account"]["username"] == "ada@example.org"
    assert data["account"]["role"] == "participant"
    assert data["person"]["email"] == "ada@example.org" and "registrations" in data


class _Page(HTMLParser):
    """What a page lists: its tables' cells as text, its form's current values."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: list[list[list[str]]] = []
        self.values: dict[str, set[str]] = {}
        self._cell: list[str] | None = None
        self._select: str | None = None
        self._posted = False  # inside a form sent by POST (not the site's search forms)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "form":
            self._posted = a.get("method") == "post"
        elif tag == "table":
            self.tables.append([])
        elif tag == "tr" and self.tables:
            self.tables[-1].append([])
        elif tag in ("td", "th"):
            self._cell = []
        elif tag == "br" and self._cell is not None:
            self._cell.append("\n")
        elif tag == "select":
            self._select = a.get("name")
        elif not self._posted:
            return
        elif tag == "option" and self._select and "selected" in a:
            self.values.setdefault(self._select, set()).add(a.get("value") or "")
        elif (
            tag == "input"
            and a.get("name")
            and a.get("type") not in ("hidden", "submit")
            and (a.get("type") != "checkbox" or "checked" in a)
        ):
            self.values.setdefault(a["name"] or "", set()).add(a.get("value") or "")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None:
            self.tables[-1][-1].append("".join(self._cell).strip())
            self._cell = None
        elif tag == "select":
            self._select = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


def test_the_download_holds_everything_my_page_lists():
    """Whatever /me/ shows a person (details, consents, registrations, one-to-one meetings)
    is in their download and in the editors' export of them, and of the other person in a
    meeting only what /me/ shows: their name and organisation."""
    demo.load(date.today())
    person = next(
        p
        for p in Person.objects.order_by("pk")
        if p.registrations.exists() and meetings_of(p) and p.consents()
    )
    # No example person both speaks and meets: this one gives an example talk too.
    Session.objects.filter(speakers__isnull=False).order_by("pk")[0].speakers.add(person)
    own = Client()
    own.force_login(make_participant(person))
    page = _Page()
    page.feed(own.get("/me/").content.decode())
    editor = Client()
    editor.force_login(make_editor())
    editors = json.loads(editor.get(f"/coordination/people/{person.pk}/data.json").content)
    for data in (json.loads(own.get("/me/data.json").content), editors):
        shown = data["person"] | {"consents": [c["purpose"] for c in data["consents"]]}
        fields = set(PersonForm.base_fields) - {"website"}  # `website`: the robots' trap
        assert fields - {"position"} <= set(page.values)
        for name in sorted(fields):
            values = page.values.get(name, {""})
            exported = shown[name] if isinstance(shown[name], list) else [shown[name] or ""]
            assert values == set(exported), name
        registrations, meetings = page.tables
        assert registrations[0][:4] == ["Event", "Dates", "Status", "Attended"]
        assert [
            (row[0].split(" · ")[0], row[2], row[3].split(" · ")[0]) for row in registrations[1:]
        ] == [
            (
                r["event"],
                Status(r["status"]).label,
                {True: "yes", False: "no", None: "—"}[r["attended"]],
            )
            for r in sorted(data["registrations"], key=lambda r: r["starts"], reverse=True)
        ]
        assert meetings[0] == ["Event", "Day", "Time", "Where", "With", "Why"]
        assert meetings[1:] and meetings[1:] == [
            [
                m["event"],
                f"{date.fromisoformat(m['day']):%-d %b %Y}",
                m["time"],
                m["table"],
                m["with"] + (f", {m['with_organisation']}" if m["with_organisation"] else ""),
                m["why"].strip(),
            ]
            for m in data["meetings"]
        ]
        assert data["talks"]
    assert all(m["published"] for m in editors["meetings"])
    for meeting in meetings_of(person):  # of the other person, no more than /me/ shows
        other = meeting.us if meeting.eu_id == person.pk else meeting.eu
        assert other.email not in json.dumps(editors)


def test_a_participant_logs_in_with_their_address_in_any_case():
    """A participant's user name is their address, kept in lower case; they type it as they
    like. A look-alike (a dotless i, which PostgreSQL's case-insensitive match folds to I) is
    not their address, and two accounts that differ only by case keep their exact names."""
    person = make_person(email="ines.ivanova@example.org")
    make_participant(person)
    for typed in (" INES.Ivanova@Example.org ", "ines.ivanova@example.org"):
        client = Client()
        page = client.post(
            "/accounts/login/", {"username": typed, "password": "participant-password"}
        )
        assert page.status_code == 302, typed
        assert client.get("/me/").status_code == 200
    look_alike = Client().post(
        "/accounts/login/",
        {
            "username": "ines.ivanova@example.org".replace("i", "\u0131"),
            "password": "participant-password",
        },
    )
    assert look_alike.status_code == 200 and "E-mail address or user name" in look_alike.text
    User.objects.create_user("Editor", password="first-password-9")
    User.objects.create_user("editor", password="second-password-9")
    for name, password in (("Editor", "first-password-9"), ("editor", "second-password-9")):
        assert (
            Client().post("/accounts/login/", {"username": name, "password": password}).status_code
            == 302
        )

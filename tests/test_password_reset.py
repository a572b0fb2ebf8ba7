"""A forgotten password: the log-in page leads to a form that asks for the address and answers
the same whatever the address; the e-mail holds a link that works once, for a limited time,
for its own account only, and names no one; the new password passes Django's validators and
ends the account's other sessions. Tried as an attacker would: altered, reused, expired and
swapped links, links outlived by a password change, a flooded form, odd addresses and a
forged Host header."""

from __future__ import annotations

import base64
import re
import threading
from datetime import datetime, timedelta

import pytest
from django.contrib.auth.models import User
from django.contrib.auth.tokens import default_token_generator
from django.core import mail
from django.db import connection
from django.test import Client, override_settings
from django.utils.http import urlsafe_base64_encode

from bilat.coordination import limits
from bilat.coordination.audit.models import Change

from factories import link_in, make_editor, make_participant, make_person

pytestmark = [pytest.mark.coordination, pytest.mark.django_db]
PAGE = "/accounts/password/reset/"
OLD = "participant-password"
NEW = "Tide-Atlas-Lantern-42"
STRONG = {"new_password1": NEW, "new_password2": NEW}


def ada() -> User:
    return make_participant(make_person("ada@example.org", first_name="Ada", last_name="King"))


def ask(email: str, client: Client | None = None) -> str:
    """Ask for a link for `email`; the path of the link in the message it sent."""
    answer = (client or Client()).post(PAGE, {"email": email})
    assert answer.status_code == 200, answer.content.decode()
    return link_in(mail.outbox[-1])


def opened(link: str, client: Client) -> str:
    """Open the link as its owner does: the page moves to an address without the token."""
    first = client.get(link)
    assert first.status_code == 302, first.content.decode()
    assert first["Location"].endswith("/set-password/")
    return first["Location"]


def test_the_log_in_pages_lead_to_the_form() -> None:
    assert f'href="{PAGE}"' in Client().get("/accounts/login/").content.decode()
    admin = Client().get("/admin/login/").content.decode()
    assert f'href="{PAGE}"' in admin and "Forgotten your login credentials?" in admin
    form = Client().get(PAGE).content.decode()
    assert 'name="email"' in form and "2 hours" in form


def test_the_answer_is_the_same_whether_or_not_an_account_has_the_address() -> None:
    ada()
    closed = make_participant(make_person("closed@example.org"))
    closed.is_active = False
    closed.save()
    pages = []
    for email in ("ada@example.org", "nobody@example.org", "closed@example.org"):
        answer = Client().post(PAGE, {"email": email})
        assert answer.status_code == 200
        pages.append(answer.content.decode().replace(email, "ADDRESS"))
    assert pages[0] == pages[1] == pages[2]
    assert "A message is on its way to ADDRESS" in pages[0]
    # One message each, in the same request: the work is the same too.
    link, nobody, shut = mail.outbox
    assert (link.to, nobody.to, shut.to) == (
        ["ada@example.org"],
        ["nobody@example.org"],
        ["closed@example.org"],
    )
    assert link.subject == nobody.subject == shut.subject
    assert "/accounts/password/reset/" in link.body and "within 2 hours" in link.body
    assert "no account has it" in nobody.body and link_in(nobody) == "/accounts/signup/"
    assert "closed by the coordination team" in shut.body and "http" not in shut.body


def test_the_link_sets_a_new_password_once_and_ends_other_sessions(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    user = ada()
    elsewhere = Client()
    assert elsewhere.login(username="ada@example.org", password=OLD)
    before = datetime.now() - timedelta(minutes=30)
    with monkeypatch.context() as then:
        then.setattr(default_token_generator, "_now", lambda: before)
        earlier = ask("ada@example.org")  # asked half an hour ago, never used
    assert Client().get(earlier).status_code == 302  # it works until the password changes
    link = ask("ada@example.org")
    assert link != earlier and link.startswith(PAGE)
    owner = Client()
    form = opened(link, owner)
    page = owner.get(form).content.decode()
    assert "For the account ada@example.org" in page and 'autocomplete="new-password"' in page
    like = {"new_password1": "ada@example.org", "new_password2": "ada@example.org"}
    weak = owner.post(form, like)
    assert weak.status_code == 200
    assert "The password is too similar to the" in weak.content.decode()
    common = {"new_password1": "password123", "new_password2": "password123"}
    assert "This password is too common." in owner.post(form, common).content.decode()
    short = owner.post(form, {"new_password1": "x7", "new_password2": "x7"}).content.decode()
    assert "This password is too short. It must contain at least 10 characters." in short
    user.refresh_from_db()
    assert user.check_password(OLD)  # nothing changed yet
    done = owner.post(form, STRONG)
    assert done.status_code == 302 and done["Location"] == "/me/"
    user.refresh_from_db()
    assert user.check_password(NEW) and not user.check_password(OLD)
    assert "Your new password is set" in owner.get("/me/").content.decode()
    # The session that was open elsewhere is over; the old password opens nothing.
    assert elsewhere.get("/me/")["Location"].startswith("/accounts/login/")
    assert not Client().login(username="ada@example.org", password=OLD)
    assert Client().login(username="ada@example.org", password=NEW)
    # The link, and the one sent before it, no longer work, at either step.
    for used in (link, earlier):
        refused = Client().get(used)
        assert refused.status_code == 400 and "does not work" in refused.content.decode()
    assert owner.post(form, STRONG).status_code == 400
    # Logged, without the password.
    change = Change.objects.get(action="change", model="auth.User")
    assert (change.user, change.object_id, change.fields) == (user, str(user.pk), ["password"])
    assert NEW not in change.note


def test_two_sessions_that_opened_the_link_set_the_password_once() -> None:
    user = ada()
    link = ask("ada@example.org")
    first, second = Client(), Client()
    form = opened(link, first)
    assert opened(link, second) == form
    assert first.post(form, STRONG).status_code == 302
    again = second.post(form, {"new_password1": "Other-Harbour-77", "new_password2": "x"})
    assert again.status_code == 400
    user.refresh_from_db()
    assert user.check_password(NEW)


def test_the_link_refuses_a_parameter_it_does_not_read() -> None:
    """As every coordination page: 400 naming it, while a newsletter's decoration passes."""
    ada()
    link = ask("ada@example.org")
    refused = Client().get(link, {"email": "ada@example.org"})
    assert refused.status_code == 400
    assert "email: this page has no such parameter" in refused.content.decode()
    assert Client().get(link, {"utm_source": "mail"}).status_code == 302


def test_the_link_names_no_one() -> None:
    user = ada()
    link = ask("ada@example.org")
    uid, token = link.removeprefix(PAGE).strip("/").split("/")
    assert base64.urlsafe_b64decode(uid + "==").decode() == str(user.pk)
    for personal in ("ada", "example", "king"):
        assert personal not in link.lower()
    assert re.fullmatch(r"[0-9a-z]+-[0-9a-f]{32}", token)
    # The page the link moves to holds no token either.
    assert token not in opened(link, Client())


def test_altered_swapped_and_expired_links_are_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    user = ada()
    other = make_participant(make_person("ben@example.org"))
    link = ask("ada@example.org")
    uid, token = link.removeprefix(PAGE).strip("/").split("/")
    stamp, digest = token.split("-")
    flipped = digest[:-1] + ("0" if digest[-1] != "0" else "1")
    later = int(stamp, 36) + 1
    ben = urlsafe_base64_encode(str(other.pk).encode())
    forged = [
        f"{PAGE}{uid}/{stamp}-{flipped}/",  # the signature altered
        f"{PAGE}{uid}/{later:x}-{digest}/",  # the date altered
        f"{PAGE}{ben}/{token}/",  # Ada's token on Ben's account
        f"{PAGE}{uid}/{token[:-4]}/",  # cut short
        f"{PAGE}bm9ib2R5/{token}/",  # not an account number
        f"{PAGE}OTk5OTk5/{token}/",  # an account that does not exist
        f"{PAGE}{uid}/set-password/",  # no token in this session
    ]
    for address in forged:
        answer = Client().get(address)
        assert answer.status_code == 400, address
        assert "does not work" in answer.content.decode()
        assert Client().post(address, STRONG).status_code == 400, address
    # Ada's token, checked and kept in this session, opens no other account's form.
    holder = Client()
    opened(link, holder)
    for address in (f"{PAGE}{ben}/set-password/", f"{PAGE}{ben}/{token}/"):
        assert holder.get(address).status_code == 400, address
        assert holder.post(address, STRONG).status_code == 400, address
    # Two hours and a minute later the real link is refused too.
    now = datetime.now() + timedelta(hours=2, minutes=1)
    monkeypatch.setattr(default_token_generator, "_now", lambda: now)
    assert Client().get(link).status_code == 400
    for account in (user, other):
        account.refresh_from_db()
        assert account.check_password(OLD)


def test_a_link_dies_when_the_password_changes_by_other_means_or_its_owner_logs_in() -> None:
    user = ada()
    changed = ask("ada@example.org")
    user.set_password("Quiet-Orchard-58")  # as the admin's form or `bilat user` does
    user.save()
    assert Client().get(changed).status_code == 400
    remembered = ask("ada@example.org")
    assert Client().login(username="ada@example.org", password="Quiet-Orchard-58")
    assert Client().get(remembered).status_code == 400
    # Mid-way: opened, then the password changed by the admin before the form was sent.
    owner = Client()
    form = opened(ask("ada@example.org"), owner)
    user.refresh_from_db()
    user.set_password("Admin-Chose-This-91")
    user.save()
    assert owner.post(form, STRONG).status_code == 400
    user.refresh_from_db()
    assert user.check_password("Admin-Chose-This-91")


def test_closed_accounts_get_no_link_and_lose_the_ones_sent() -> None:
    user = ada()
    link = ask("ada@example.org")
    user.is_active = False
    user.save()
    assert Client().get(link).status_code == 400
    Client().post(PAGE, {"email": "ada@example.org"})
    assert "closed by the coordination team" in mail.outbox[-1].body
    user.is_active = True
    user.set_unusable_password()  # log-in by password closed by an admin
    user.save()
    Client().post(PAGE, {"email": "ada@example.org"})
    assert "closed by the coordination team" in mail.outbox[-1].body
    assert "http" not in mail.outbox[-1].body


def test_an_editor_resets_too_and_lands_on_the_editors_page() -> None:
    editor = make_editor("coordinator", "editor-password-1")
    editor.email = "coordinator@example.org"
    editor.save()
    owner = Client()
    form = opened(ask("coordinator@example.org"), owner)
    assert owner.post(form, STRONG)["Location"] == "/coordination/"


def test_two_accounts_of_one_address_get_one_message_with_a_link_each() -> None:
    participant = ada()
    editor = make_editor("coordinator", "editor-password-1")
    editor.email = "Ada@example.org"
    editor.save()
    Client().post(PAGE, {"email": "ada@example.org"})
    [message] = mail.outbox
    links = re.findall(r"https?://\S+", message.body)
    assert "For the account ada@example.org:" in message.body
    assert "For the account coordinator:" in message.body and len(links) == 2
    for account, link in zip((participant, editor), links, strict=True):
        uid = link.rstrip("/").split("/")[-2]
        assert base64.urlsafe_b64decode(uid + "==").decode() == str(account.pk)


def test_the_address_is_matched_up_to_case_and_spaces_and_mailed_as_stored() -> None:
    ada()
    Client().post(PAGE, {"email": "  ADA@Example.ORG  "})
    [message] = mail.outbox
    assert message.to == ["ada@example.org"] and "/accounts/password/reset/" in message.body


def test_an_address_alike_only_once_folded_by_the_database_gets_no_link() -> None:
    """U+0131 (dotless i) upper-cases to I: a database's case-insensitive match may take
    `m\u0131ke@` for `mike@`. The link goes only to the account's own address."""
    make_participant(make_person("mike@example.org"))
    typed = "m\u0131ke@example.org"
    Client().post(PAGE, {"email": typed})
    [message] = mail.outbox
    assert message.to == [typed] and "no account has it" in message.body
    assert "/accounts/password/reset/" not in message.body


def test_a_script_in_the_address_is_shown_as_text() -> None:
    typed = '"<script>alert(1)</script>"@example.org'
    answer = Client().post(PAGE, {"email": typed}).content.decode()
    assert "<script>alert" not in answer
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in answer
    assert mail.outbox[-1].to == [typed.lower()]


def test_a_robot_filling_the_hidden_box_sends_nothing() -> None:
    ada()
    answer = Client().post(PAGE, {"email": "ada@example.org", "website": "http://spam"})
    assert "could not be sent" in answer.content.decode() and not mail.outbox


@pytest.mark.parametrize("host", ["evil.example", "bilat.example.org.evil.example"])
def test_the_link_takes_its_host_from_the_settings_never_from_the_request(host: str) -> None:
    ada()
    with override_settings(ALLOWED_HOSTS=["*"]):  # even behind a server that lets any through
        Client(HTTP_HOST=host).post(PAGE, {"email": "ada@example.org"})
    [message] = mail.outbox
    assert host not in message.body
    link_in(message)  # its one link starts with BILAT_BASE_URL
    # With the shipped setting, a Host not listed is refused before any page runs.
    refused = Client(HTTP_HOST=host).post(PAGE, {"email": "ada@example.org"})
    assert refused.status_code == 400 and len(mail.outbox) == 1


def test_the_form_is_limited_per_address_and_client_and_never_locks_the_log_in() -> None:
    user = ada()
    assert limits.PASSWORD_RESET.per_pair == 3
    flood = Client(REMOTE_ADDR="203.0.113.5")
    for _ in range(3):
        assert flood.post(PAGE, {"email": "ADA@example.org "}).status_code == 200
    held = flood.post(PAGE, {"email": "ada@example.org"})
    assert held.status_code == 429 and 3540 < int(held["Retry-After"]) <= 3600
    assert "Too many password reset attempts for this address" in held.content.decode()
    assert len(mail.outbox) == 3
    # From other clients the owner still gets links, until the address has had 10 an hour
    # (its mailbox is not flooded).
    for n in range(7):
        Client(REMOTE_ADDR=f"198.51.100.{n}").post(PAGE, {"email": "ada@example.org"})
    assert len(mail.outbox) == 10
    full = Client(REMOTE_ADDR="192.0.2.44").post(PAGE, {"email": "ada@example.org"})
    assert full.status_code == 429 and len(mail.outbox) == 10
    # The password still works and the log-in is not held, from the flooding client too.
    for client in (flood, Client(REMOTE_ADDR="192.0.2.45")):
        answer = client.post("/accounts/login/", {"username": user.username, "password": OLD})
        assert answer.status_code == 302
    # One client asking for many addresses is stopped at 10.
    robot = Client(REMOTE_ADDR="203.0.113.9")
    for n in range(limits.PASSWORD_RESET.per_client):
        assert robot.post(PAGE, {"email": f"p{n}@example.org"}).status_code == 200
    stopped = robot.post(PAGE, {"email": "one-more@example.org"})
    assert stopped.status_code == 429
    assert "Too many password reset attempts from your network" in stopped.content.decode()


def test_the_message_says_how_long_the_link_works() -> None:
    from bilat.coordination.stakeholders import passwords

    assert passwords.HOURS == 2
    ada()
    Client().post(PAGE, {"email": "ada@example.org"})
    body = mail.outbox[0].body
    assert "within 2 hours" in body and "works once" in body
    assert "current password keeps working" in body


@pytest.mark.django_db(transaction=True)
def test_a_link_used_at_the_same_moment_sets_one_password() -> None:
    """Four uses of one link at once (two tabs, a double click): the account's row is locked
    while the link is checked, so one sets its password and the others are refused."""
    from bilat.coordination.stakeholders.passwords import reset_password
    from bilat.errors import CoordinationError

    user = ada()
    uid, token = ask("ada@example.org").removeprefix(PAGE).strip("/").split("/")
    chosen = [f"Harbour-Lantern-{n}-Quiet" for n in range(4)]
    start = threading.Barrier(len(chosen))
    done: list[str] = []
    refused: list[str] = []
    failures: list[BaseException] = []

    def use(password: str) -> None:
        try:
            start.wait()
            reset_password(uid, token, password)
            done.append(password)
        except CoordinationError:
            refused.append(password)
        except BaseException as error:
            failures.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=use, args=(p,)) for p in chosen]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == [] and len(done) == 1 and len(refused) == 3
    user.refresh_from_db()
    assert user.check_password(done[0])
    assert Change.objects.filter(action="change", model="auth.User").count() == 1

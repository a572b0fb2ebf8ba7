"""Who may do what: editors through the Editors group (with the coordination permissions,
kept up to date after each migration), admins as superusers, accounts made with `bilat user`;
and the pages editors see beside the data: an organisation's CORDIS record, event documents."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from django.contrib.auth.models import Group, User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings

from bilat.cli import main
from bilat.coordination.events.models import Document
from bilat.coordination.roles import EDITORS, is_editor
from bilat.coordination.stakeholders.models import Organisation

from conftest import close
from factories import make_editor, make_event, make_participant, make_person
from rawdata import he_organisations

pytestmark = [pytest.mark.coordination, pytest.mark.django_db]


def test_the_editors_group_holds_every_coordination_permission():
    codes = set(Group.objects.get(name=EDITORS).permissions.values_list("codename", flat=True))
    for model in ("person", "organisation", "event", "registration", "recommendation", "activity"):
        assert {f"add_{model}", f"change_{model}", f"view_{model}"} <= codes
    assert "view_change" in codes and "change_change" not in codes
    assert not any(code.endswith("_user") for code in codes)  # users are for admins


def test_bilat_user_makes_editors_and_admins():
    for name, role in (("ana", "editor"), ("root", "admin")):
        result = CliRunner().invoke(
            main, ["user", name, "--role", role, "--password", "a-long-password-1"]
        )
        assert result.exit_code == 0, result.output
        assert f"Created {role} account '{name}'." in result.output
    ana, root = User.objects.get(username="ana"), User.objects.get(username="root")
    assert is_editor(ana) and ana.is_staff and not ana.is_superuser
    assert root.is_superuser and ana.check_password("a-long-password-1")
    assert not is_editor(make_participant(make_person()))


def test_an_organisation_with_a_pic_shows_its_cordis_record(client):
    pic = "999467340"
    expected = sum(1 for row in he_organisations() if row["organisationID"] == pic)
    organisation = Organisation.objects.create(name="University of California", pic=int(pic))
    client.force_login(make_editor())
    html = client.get(f"/coordination/organisations/{organisation.pk}/").content.decode()
    assert f'href="/organisation/{pic}/"' in html
    assert f'<dd class="value">{expected}</dd>' in html


def test_a_document_is_private_until_an_editor_makes_it_public(tmp_path):
    with override_settings(MEDIA_ROOT=tmp_path):
        event = make_event()
        document = Document.objects.create(
            event=event, title="Attendance list", upload=SimpleUploadedFile("list.txt", b"Ada")
        )
        assert Client().get(f"/documents/{document.pk}/").status_code == 404
        assert "Attendance list" not in Client().get(f"/events/{event.slug}/").content.decode()
        editor = Client()
        editor.force_login(make_editor())
        seen = editor.get(f"/documents/{document.pk}/")
        assert seen.status_code == 200
        close(seen)


def test_uploaded_documents_follow_their_event(tmp_path):
    with override_settings(MEDIA_ROOT=tmp_path):
        event = make_event()
        document = Document.objects.create(
            event=event,
            title="Minutes",
            type="minutes",
            upload=SimpleUploadedFile("minutes.txt", b"What was agreed."),
            public=True,
        )
        visitor = Client()
        response = visitor.get(f"/documents/{document.pk}/")
        assert response.status_code == 200
        assert b"".join(response.streaming_content) == b"What was agreed."
        close(response)
        event.published = False
        event.save()
        assert visitor.get(f"/documents/{document.pk}/").status_code == 404
        assert visitor.get(f"/events/{event.slug}/").status_code == 404
        editor = Client()
        editor.force_login(make_editor())
        allowed = editor.get(f"/documents/{document.pk}/")
        assert allowed.status_code == 200
        close(allowed)
        assert document.upload.url.startswith("/uploads/documents/")
        as_admin_links = editor.get(document.upload.url)  # the admin's "Currently:" link
        assert as_admin_links.status_code == 200
        close(as_admin_links)
        assert visitor.get(document.upload.url).status_code == 302  # to the login page

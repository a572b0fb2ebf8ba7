"""Documents editors upload: only the declared types and sizes are accepted, and every
document is served as a download with its declared type, never as a page of the site."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings

from bilat.coordination.events.models import Document, Event
from bilat.uploads import accepted_types

from conftest import close
from factories import event_admin_form, make_editor, make_event

pytestmark = [pytest.mark.coordination, pytest.mark.django_db]

SCRIPT = b"<script>fetch('/me/export/').then(r => r.text()).then(alert)</script>"
PDF = b"%PDF-1.7\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"


def add_event_with(client: Client, upload: SimpleUploadedFile) -> str:
    """Post the admin's add form for an event with one document; the page's text."""
    data = event_admin_form(
        **{
            "documents-TOTAL_FORMS": "1",
            "documents-0-title": "Minutes",
            "documents-0-type": "minutes",
            "documents-0-public": "on",
        }
    )
    data["documents-0-upload"] = upload
    response = client.post("/admin/events/event/add/", data)
    return "" if response.status_code == 302 else response.content.decode()


@pytest.fixture
def editor(tmp_path) -> Client:
    client = Client()
    client.force_login(make_editor())
    with override_settings(MEDIA_ROOT=tmp_path):
        yield client


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("page.html", SCRIPT, "page.html: .html files are not accepted"),
        ("drawing.svg", b"<svg xmlns='http://www.w3.org/2000/svg'>" + SCRIPT + b"</svg>", ".svg"),
        ("minutes.pdf", SCRIPT, "minutes.pdf: the content is not a PDF file"),
        ("notes.txt", b"\x00\x01binary", "notes.txt: the content is not UTF-8 text"),
        ("minutes", PDF, ".(none) files are not accepted"),
    ],
)
def test_the_admin_refuses_files_that_are_not_a_declared_type(
    editor, tmp_path, name, content, message
):
    page = add_event_with(editor, SimpleUploadedFile(name, content))
    assert message in page
    assert not Event.objects.exists() and not Document.objects.exists()
    assert not list(tmp_path.rglob("*.*"))


def test_the_admin_refuses_a_file_over_the_size_limit(editor):
    with override_settings(BILAT_UPLOAD_MAX_BYTES=1000):
        page = add_event_with(editor, SimpleUploadedFile("big.pdf", PDF + b"0" * 1000))
    assert "big.pdf: 0.0 MB is over the limit of 0 MB" in page
    assert not Document.objects.exists()


def test_an_accepted_document_is_served_as_a_download_of_its_type(editor):
    assert add_event_with(editor, SimpleUploadedFile("minutes.pdf", PDF)) == ""
    document = Document.objects.get()
    response = Client().get(f"/documents/{document.pk}/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="minutes.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == PDF
    close(response)


def test_a_page_uploaded_before_the_rule_is_served_as_bytes_to_download(tmp_path):
    with override_settings(MEDIA_ROOT=tmp_path):
        event = make_event(published=True)
        for name in ("old.html", "old.svg"):
            document = Document.objects.create(
                event=event, title=name, upload=SimpleUploadedFile(name, SCRIPT), public=True
            )
            response = Client().get(f"/documents/{document.pk}/")
            assert response["Content-Type"] == "application/octet-stream"
            assert response["Content-Disposition"].startswith("attachment;")
            assert response["X-Content-Type-Options"] == "nosniff"
            close(response)


def test_only_types_bilat_can_serve_safely_may_be_declared():
    assert accepted_types(" PDF, .docx ,png") == ("pdf", "docx", "png")
    with pytest.raises(ImproperlyConfigured, match="BILAT_UPLOAD_TYPES: html, svg cannot"):
        accepted_types("pdf,html,svg")

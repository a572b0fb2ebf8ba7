"""The desk at an event: badge codes that cannot be forged or guessed, check-in by code or by
name (editors only), badges and certificates of attendance as PDF, read back with poppler."""

from __future__ import annotations

import html
import re
import subprocess
from datetime import date, timedelta
from pathlib import Path

import numpy
import pytest
import zxingcpp
from django.test import Client

from bilat.coordination.desk import codes, printed
from bilat.coordination.events.models import Registration
from bilat.coordination.events.operations import cancel, register
from bilat.errors import CoordinationError

from factories import make_editor, make_event, make_participant, make_person

pytestmark = [pytest.mark.coordination, pytest.mark.django_db]
SHOTS = Path(__file__).resolve().parents[1] / "var" / "screenshots"


@pytest.fixture
def workshop():
    today = date.today()
    event = make_event(title="Quantum workshop", starts=today, ends=today + timedelta(days=1))
    people = [
        make_person(country="US", first_name="Ursula", last_name="Quinn", organisation="Ohio Lab"),
        make_person(country="DE", first_name="Dieter", last_name="Quast", organisation="Jena Uni"),
        make_person(country="FR", first_name="Fanny", last_name="Roux", organisation="Lyon Inst"),
    ]
    registrations = [register(None, event, p, source="test", notify=False) for p in people]
    return event, registrations


@pytest.fixture
def editor_client() -> Client:
    client = Client()
    client.force_login(make_editor())
    return client


def test_a_badge_code_names_its_registration_and_reads_back(workshop):
    event, (first, *_) = workshop
    code = codes.code_of(first)
    assert str(first.pk) in code and ":" in code
    assert codes.read_code(code, event) == first
    # What a scanner types may come with spaces, or inside a longer text.
    assert codes.read_code(f"  scanned {code}\n", event) == first


def test_forged_guessed_and_foreign_codes_are_refused(workshop):
    event, (first, second, _) = workshop
    code = codes.code_of(first)
    # Another registration's id with the first one's signature: forged.
    forged = code.replace(f"-{first.pk}:", f"-{second.pk}:")
    with pytest.raises(CoordinationError, match="not valid"):
        codes.read_code(forged, event)
    with pytest.raises(CoordinationError, match="not a badge code"):
        codes.read_code(f"{event.pk}-{first.pk}", event)
    other = make_event(title="Another event")
    stranger = register(None, other, make_person(), source="test", notify=False)
    with pytest.raises(CoordinationError, match="another event"):
        codes.read_code(codes.code_of(stranger), event)
    cancel(None, first)
    with pytest.raises(CoordinationError, match="no longer confirmed"):
        codes.read_code(code, event)


def test_the_desk_checks_in_at_once_by_code_and_by_name(workshop, editor_client):
    event, (first, second, _) = workshop
    url = f"/coordination/events/{event.slug}/check-in/"
    answer = editor_client.post(url, {"code": codes.code_of(first)}, follow=True)
    assert "Ursula Quinn is checked in." in answer.content.decode()
    first.refresh_from_db()
    assert first.attended is True
    again = editor_client.post(url, {"code": codes.code_of(first)}, follow=True)
    assert "was checked in already" in again.content.decode()
    searched = editor_client.post(url, {"q": "qua"}, follow=True)
    # The name searched for is in no URL (histories, proxies and logs keep URLs).
    assert searched.redirect_chain == [(url, 302)]
    found = searched.content.decode()
    assert "Dieter Quast" in found and "Fanny Roux" not in found
    assert "Check in Dieter Quast" in found and "Check in Ursula Quinn" not in found
    editor_client.post(url, {"registration": second.pk})
    second.refresh_from_db()
    assert second.attended is True
    page = editor_client.get(url).content.decode()
    assert "<strong>2</strong> of 3 present" in page


def test_the_desk_search_keeps_the_name_out_of_the_url(workshop, editor_client):
    """A name typed at the desk waits in the session: the page's URL stays bare, a name in
    the query string is refused, and the search stays to the event it was made at."""
    event, _ = workshop
    url = f"/coordination/events/{event.slug}/check-in/"
    page = editor_client.get(url).content.decode()
    assert '<form method="post" class="desk" role="search">' in page
    editor_client.post(url, {"q": "Quinn"})
    assert "Check in Ursula Quinn" in editor_client.get(url).content.decode()
    refused = editor_client.get(url, {"q": "Quinn"})
    assert refused.status_code == 400 and "q: this page has no such parameter" in (
        refused.content.decode()
    )
    other = make_event(title="Another workshop", starts=event.starts, ends=event.ends)
    elsewhere = editor_client.get(f"/coordination/events/{other.slug}/check-in/")
    assert "Ursula Quinn" not in elsewhere.content.decode()
    editor_client.post(url, {"q": ""})
    assert "Ursula Quinn" not in editor_client.get(url).content.decode()


def test_checking_in_by_name_works_for_ids_the_site_prints_with_a_thousands_separator(
    workshop, editor_client
):
    """The site groups digits ("1,234"); an id in a form must not be grouped, or a
    server whose ids passed 999 (PostgreSQL after a while) answers 404 to the button."""
    event, (first, _, _) = workshop
    Registration.objects.filter(pk=first.pk).update(id=1234)
    url = f"/coordination/events/{event.slug}/check-in/"
    page = editor_client.post(url, {"q": "quinn"}, follow=True).content.decode()
    assert 'name="registration" value="1234"' in page
    editor_client.post(url, {"registration": "1234"})
    assert Registration.objects.get(pk=1234).attended is True


def test_a_forged_code_checks_nobody_in_and_says_why(workshop, editor_client):
    event, (first, second, _) = workshop
    forged = codes.code_of(first).replace(f"-{first.pk}:", f"-{second.pk}:")
    answer = editor_client.post(
        f"/coordination/events/{event.slug}/check-in/", {"code": forged}, follow=True
    )
    assert "not valid (altered or forged)" in answer.content.decode()
    assert not Registration.objects.filter(attended=True).exists()


def test_only_editors_reach_the_desk(workshop):
    event, (first, *_) = workshop
    urls = [
        f"/coordination/events/{event.slug}/check-in/",
        f"/coordination/events/{event.slug}/badges.pdf",
        f"/coordination/events/{event.slug}/certificates.pdf",
    ]
    anonymous = Client()
    participant = Client()
    participant.force_login(make_participant(first.person))
    for url in urls:
        assert anonymous.get(url).status_code == 302
        assert participant.get(url).status_code == 403
    posted = participant.post(urls[0], {"code": codes.code_of(first)})
    assert posted.status_code == 403
    first.refresh_from_db()
    assert first.attended is None


def _text(pdf: bytes, tmp_path: Path) -> str:
    path = tmp_path / "out.pdf"
    path.write_bytes(pdf)
    done = subprocess.run(["pdftotext", str(path), "-"], check=True, capture_output=True)
    return done.stdout.decode()


def _pages(pdf: bytes, name: str) -> list[Path]:
    """The PDF drawn to PNG (kept under var/screenshots to be looked at)."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = SHOTS / f"{name}.pdf"
    path.write_bytes(pdf)
    subprocess.run(["pdftoppm", "-r", "50", "-png", str(path), str(SHOTS / name)], check=True)
    return sorted(SHOTS.glob(f"{name}-*.png"))


def test_badges_of_everyone_or_of_one(workshop, editor_client, tmp_path):
    event, (first, *_) = workshop
    answer = editor_client.get(f"/coordination/events/{event.slug}/badges.pdf")
    assert answer["Content-Type"] == "application/pdf"
    assert answer["Content-Disposition"] == f'attachment; filename="{event.slug}-badges.pdf"'
    text = _text(answer.content, tmp_path)
    for name in ("Ursula Quinn", "Dieter Quast", "Fanny Roux", "Ohio Lab", "US side", "EU side"):
        assert name in text
    assert _pages(answer.content, "desk-badges")
    one = editor_client.get(
        f"/coordination/events/{event.slug}/badges.pdf", {"registration": first.pk}
    )
    text = _text(one.content, tmp_path)
    assert "Ursula Quinn" in text and "Dieter Quast" not in text
    missing = editor_client.get(
        f"/coordination/events/{event.slug}/badges.pdf", {"registration": 999999}
    )
    assert missing.status_code == 404


@pytest.mark.parametrize("what", ["badges", "certificates"])
def test_a_malformed_or_unknown_parameter_of_the_pdfs_is_a_400_naming_it(
    workshop, editor_client, what
):
    """`?registration=abc` is the asker's mistake (400 naming it), not a registration that
    does not exist (404); a parameter the download does not read is refused, not ignored."""
    event, _ = workshop
    url = f"/coordination/events/{event.slug}/{what}.pdf"
    for value in ("", "abc", "-1", "1.5", "\uff11", "\u00b2"):
        answer = editor_client.get(url, {"registration": value})
        assert answer.status_code == 400, value
        said = html.unescape(answer.content.decode())
        assert f"registration: {value!r} is not a registration's number" in said
    unknown = editor_client.get(url, {"registrations": "1"})
    assert unknown.status_code == 400
    assert "registrations: this page has no such parameter" in unknown.content.decode()


def test_a_malformed_registration_at_the_desk_is_a_400_and_checks_nobody_in(
    workshop, editor_client
):
    event, _ = workshop
    answer = editor_client.post(
        f"/coordination/events/{event.slug}/check-in/", {"registration": "abc"}
    )
    assert answer.status_code == 400 and "registration: " in answer.content.decode()
    # In the address, where the page reads nothing, it is refused too, not ignored.
    shown = editor_client.get(f"/coordination/events/{event.slug}/check-in/?registration=abc")
    assert shown.status_code == 400
    assert "registration: this page has no such parameter" in shown.content.decode()
    assert not Registration.objects.filter(attended=True).exists()


def test_certificates_go_to_those_marked_present_only(workshop, editor_client, tmp_path):
    event, (first, second, third) = workshop
    url = f"/coordination/events/{event.slug}/certificates.pdf"
    nobody = editor_client.get(url, follow=True)
    assert nobody.redirect_chain == [(f"/coordination/events/{event.slug}/", 302)]
    assert "Nobody of these is marked present" in nobody.content.decode()
    editor_client.post(f"/coordination/events/{event.slug}/check-in/", {"registration": first.pk})
    editor_client.post(f"/coordination/events/{event.slug}/check-in/", {"registration": third.pk})
    answer = editor_client.get(url)
    text = _text(answer.content, tmp_path)
    assert text.count("Certificate of attendance") == 2
    assert "Ursula Quinn" in text and "Fanny Roux" in text and "Dieter Quast" not in text
    assert len(_pages(answer.content, "desk-certificates")) == 2
    assert printed.confirmed(event, second.pk) == [second]


def _decoded_qr_codes(pdf: bytes, tmp_path: Path) -> list[str]:
    """Every QR code on the PDF's pages, read as a phone or a scanner would: the pages drawn
    to grey pixels by poppler (150 dpi, a badge printer's least), decoded by ZXing."""
    tmp_path.mkdir(exist_ok=True)
    source = tmp_path / "badges.pdf"
    source.write_bytes(pdf)
    subprocess.run(
        ["pdftoppm", "-r", "150", "-gray", str(source), str(tmp_path / "page")], check=True
    )
    found = []
    for page in sorted(tmp_path.glob("page*.pgm")):
        image = _pgm(page.read_bytes())
        found += [
            r.text
            for r in zxingcpp.read_barcodes(image)
            if r.format == zxingcpp.BarcodeFormat.QRCode
        ]
    return found


def _pgm(data: bytes) -> numpy.ndarray:
    """A binary PGM (P5, 8 bits) as rows of grey values."""
    magic, width, height, top, pixels = data.split(maxsplit=4)
    assert (magic, top) == (b"P5", b"255")
    return numpy.frombuffer(pixels, numpy.uint8).reshape(int(height), int(width))


def test_the_badges_qr_codes_decode_to_codes_that_check_their_person_in(
    workshop, editor_client, tmp_path
):
    event, registrations = workshop
    answer = editor_client.get(f"/coordination/events/{event.slug}/badges.pdf")
    decoded = _decoded_qr_codes(answer.content, tmp_path)
    assert sorted(decoded) == sorted(codes.code_of(r) for r in registrations)
    url = f"/coordination/events/{event.slug}/check-in/"
    for text in decoded:  # typed by the scanner into the desk's box, as it read it
        page = editor_client.post(url, {"code": text}, follow=True).content.decode()
        assert "is checked in." in page
    assert all(r.attended for r in Registration.objects.filter(event=event))
    # One person's badge carries their code only.
    [first, *_] = registrations
    one = editor_client.get(
        f"/coordination/events/{event.slug}/badges.pdf", {"registration": first.pk}
    )
    assert _decoded_qr_codes(one.content, tmp_path / "one") == [codes.code_of(first)]


def _words(pdf: bytes, tmp_path: Path) -> list[tuple[str, float, float, float, float]]:
    """Every word on the PDF's first page and its box (left, top, right, bottom, in mm from
    the page's top left corner), as poppler places it; a word clipped away still counts."""
    path = tmp_path / "words.pdf"
    path.write_bytes(pdf)
    done = subprocess.run(
        ["pdftotext", "-bbox", "-f", "1", "-l", "1", str(path), "-"],
        check=True,
        capture_output=True,
    )
    mm = 25.4 / 72
    found = re.findall(
        r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>',
        done.stdout.decode(),
    )
    return [
        (html.unescape(w), float(a) * mm, float(b) * mm, float(c) * mm, float(d) * mm)
        for a, b, c, d, w in found
    ]


def _inside(
    words: list[tuple[str, float, float, float, float]],
    box: tuple[float, float, float, float],
    texts: tuple[str, ...],
) -> None:
    """The words that make up `texts` all lie inside `box` (left, top, right, bottom, mm), and
    none of their letters is missing."""
    left, top, right, bottom = box
    theirs = [w for w in words if any(w[0] in t for t in texts)]
    assert "".join(w[0] for w in theirs) == "".join(t.replace(" ", "") for t in texts)
    outside = [w for w in theirs if w[1] < left or w[2] < top or w[3] > right or w[4] > bottom]
    assert outside == []


def test_a_name_of_120_letters_stays_in_its_badge_and_certificate(editor_client, tmp_path):
    """A name and an organisation typed as one word of 120 letters each break and shrink to
    fit their box: on a badge, beside the QR code and above the side's label, never across the
    cut line into the next badge; on a certificate, inside its border (as the editor prints it
    and as the participant downloads it from /me/). A usual name keeps its full size."""
    event = make_event(title="Quantum workshop")
    person = make_person(
        country="DE",
        first_name="Maximiliana" + "x" * 109,
        last_name="Wolfeschlegelsteinhausen" + "y" * 96,
        organisation="Institut" + "z" * 112,
    )
    registration = register(None, event, person, source="test", notify=False)
    texts = (str(person), "Institut" + "z" * 112)
    url = f"/coordination/events/{event.slug}"
    badge = editor_client.get(f"{url}/badges.pdf?registration={registration.pk}").content
    _pages(badge, "desk-badge-long-name")
    # The page's margins are 10 and 14 mm; the name's box is 6 to 56 mm across the badge
    # (the QR code starts at 58 mm) and 21 to 55 mm down (the side's label starts at 57 mm).
    _inside(_words(badge, tmp_path), (14 + 6, 10 + 21, 14 + 56, 10 + 55), texts)
    editor_client.post(f"{url}/check-in/", {"registration": registration.pk})
    certificate = editor_client.get(f"{url}/certificates.pdf?registration={registration.pk}")
    _pages(certificate.content, "desk-certificate-long-name")
    # The page's margin is 18 mm; the border (1.5 mm) is 261 by 160 mm.
    inside_border = (18 + 1.5, 18 + 1.5, 18 + 261 - 1.5, 18 + 160 - 1.5)
    _inside(_words(certificate.content, tmp_path), inside_border, texts)
    participant = Client()
    participant.force_login(make_participant(person, "a-participant-password"))
    own = participant.get(f"/me/registrations/{registration.pk}/certificate.pdf")
    assert own["Content-Type"] == "application/pdf"
    _inside(_words(own.content, tmp_path), inside_border, texts)
    usual = make_person(country="US", first_name="Ursula", last_name="Quinn", organisation="Lab")
    usual_registration = register(None, event, usual, source="test", notify=False)
    fitted = printed.printed(usual_registration, qr=False, box=printed.BADGE)
    assert (fitted.name_pt, fitted.organisation_pt) == (17, 9.5)

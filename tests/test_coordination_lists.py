"""The coordination lists shown a page at a time: every pager link answers and keeps the
filters, and walking the pages reaches every row once; a filter value, a page or a parameter
the page does not accept answers 400 naming the parameter, as the observatory does, rather
than a page that silently ignores it."""

from __future__ import annotations

import html
import re
from datetime import date, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from django.conf import settings
from django.db.models import Count
from django.test import Client

from bilat.coordination.awareness.models import Activity
from bilat.coordination.events.cancelling import cancel_link
from bilat.coordination.events.models import Event, Registration, Status
from bilat.coordination.events.operations import mark_attendance, register
from bilat.coordination.recommendations.models import Recommendation
from bilat.coordination.stakeholders import directory
from bilat.coordination.stakeholders.models import Organisation, Person

from factories import make_editor, make_event, make_participant, make_person

pytestmark = [pytest.mark.coordination, pytest.mark.django_db]

PAGER = re.compile(r'<nav class="pager"[^>]*>(.*?)</nav>', re.S)


def pager_links(page: str, path: str) -> list[str]:
    """The addresses of every pager of a page, resolved against its path."""
    links = []
    for nav in PAGER.findall(page):
        for href in re.findall(r'href="([^"]+)"', nav):
            query = html.unescape(href)
            assert query.startswith("?"), href
            links.append(f"{path}{query}")
    return links


def walk(client: Client, start: str) -> dict[str, str]:
    """Every page reachable from `start` by its pager links, by address."""
    path = urlsplit(start).path
    seen: dict[str, str] = {}
    todo = [start]
    while todo:
        url = todo.pop()
        if url in seen:
            continue
        response = client.get(url)
        assert response.status_code == 200, url
        seen[url] = response.content.decode()
        todo.extend(pager_links(seen[url], path))
    return seen


def kept(url: str, filters: dict[str, str]) -> bool:
    query = parse_qs(urlsplit(url).query)
    return all(query.get(name) == [value] for name, value in filters.items())


def test_the_event_lists_page_by_50_and_every_pager_link_keeps_the_filter():
    today = date.today()
    webinars = [
        make_event(slug=f"webinar-{n}", title=f"Webinar {n}", kind="webinar",
                   starts=today + timedelta(days=n - 60))
        for n in range(130)
    ]  # fmt: skip
    make_event(slug="a-conference", title="A conference", kind="conference")
    pages = walk(Client(), "/events/?kind=webinar")
    assert len(pages) > 3  # two lists, each more than one page
    assert all(kept(url, {"kind": "webinar"}) for url in pages)
    listed: dict[str, set[str]] = {}
    rows = re.compile(r'<h2 id="([^"]+)">.*?</h2>\s*<ul class="events">(.*?)</ul>', re.S)
    for page in pages.values():
        assert "A conference" not in page
        for heading, body in rows.findall(page):
            slugs = re.findall(r'href="/events/(webinar-\d+)/"', body)
            listed.setdefault(heading, set()).update(slugs)
    coming = {e.slug for e in webinars if e.ends >= today}
    assert listed["coming-up"] == coming
    assert listed["past-events"] == {e.slug for e in webinars} - coming
    first = pages["/events/?kind=webinar"]
    assert f"Coming up ({len(coming)})" in first and "1\N{EN DASH}50 of 70" in first


def test_the_directory_pages_by_50_keep_the_search_and_reach_everyone_who_matches():
    client = Client()
    client.force_login(make_editor())
    organisation = Organisation.objects.create(name="Ocean Institute", side="US")
    Person.objects.bulk_create(
        Person(first_name="Ann", last_name=f"Diver {n:03d}", email=f"ann{n}@example.org",
               side="US" if n % 3 else "EU", organisation=organisation)
        for n in range(160)
    )  # fmt: skip
    start = "/coordination/people/?q=diver&side=US"
    pages = walk(client, start)
    assert all(kept(url, {"q": "diver", "side": "US"}) for url in pages)
    shown = set()
    for page in pages.values():
        shown.update(re.findall(r"ann\d+@example.org", page))
    matching = set(Person.objects.filter(side="US").values_list("email", flat=True))
    assert shown == matching and len(matching) > 100
    assert f"{len(matching)} of the directory's people match" in pages[start]


def test_the_register_the_log_the_series_and_the_attendance_sheet_page_through_every_row():
    client = Client()
    client.force_login(make_editor())
    for n in range(120):
        Recommendation.objects.create(
            title=f"Recommendation {n:03d}", text="t", barrier="data", addressee="both",
            owner="Group", status="endorsed" if n % 2 else "proposed",
        )  # fmt: skip
    Activity.objects.bulk_create(
        Activity(kind="newsletter", title=f"Newsletter {n:02d}", date=date(2026, 1, 1))
        for n in range(60)
    )
    for n in range(55):
        make_event(slug=f"series-{n}", title=f"Series workshop {n:02d}")
    event = Event.objects.get(slug="series-0")
    people = [make_person() for _ in range(60)]
    Registration.objects.bulk_create(
        Registration(event=event, person=p, status=Status.CONFIRMED, source="test",
                     side="US", sector="university", organisation_type="HES")
        for p in people
    )  # fmt: skip
    expected = {
        "/recommendations/?status=endorsed": (r"Recommendation \d\d\d", 60),
        "/coordination/awareness/": (r"Newsletter \d\d", 60),
        "/coordination/workshops/": (r"Series workshop \d\d", 55),
        f"/coordination/events/{event.slug}/": (r'name="r\d+"', 60),
    }
    for start, (row, n) in expected.items():
        pages = walk(client, start)
        assert len(pages) >= 2, start  # the first page, and again as ?page=1
        found = [m for page in pages.values() for m in re.findall(row, page)]
        assert len(set(found)) == n, start
        if "status" in start:
            assert all(kept(url, {"status": "endorsed"}) for url in pages)


def test_saving_a_page_of_the_attendance_sheet_marks_the_people_it_shows_only():
    client = Client()
    client.force_login(make_editor())
    event = make_event(starts=date.today() - timedelta(days=1))
    Registration.objects.bulk_create(
        Registration(event=event, person=make_person(), status=Status.CONFIRMED, source="t",
                     side="EU", sector="research", organisation_type="REC")
        for _ in range(55)
    )  # fmt: skip
    url = f"/coordination/events/{event.slug}/?page=2"
    boxes = re.findall(r'name="(r\d+)"', client.get(url).content.decode())
    assert len(boxes) == 5
    answer = client.post(url, {"attendance": "1"} | dict.fromkeys(boxes, "on"))
    assert answer.status_code == 302 and answer["Location"] == url
    marked = Registration.objects.filter(event=event, attended=True)
    assert sorted(f"r{pk}" for pk in marked.values_list("pk", flat=True)) == sorted(boxes)
    assert Registration.objects.filter(event=event, attended__isnull=True).count() == 50


BAD = [
    ("/events/?kind=zzz", "kind"),
    ("/events/?type=zzz", "type"),
    ("/events/?page=-1", "page"),
    ("/events/?page=abc", "page"),
    ("/events/?page=2", "page"),  # one page only
    ("/events/?past=0", "past"),
    ("/events/?theme=no-such-theme", "theme"),
    ("/events/calendar.ics?place=moon", "place"),
    ("/recommendations/?status=zzz", "status"),
    ("/recommendations/?event=no-such-event", "event"),
    ("/recommendations/?page=1.5", "page"),
    ("/recommendations.csv?barrier=zzz", "barrier"),
    ("/coordination/people/?side=XX", "side"),
    ("/coordination/people/?sector=zzz", "sector"),
    ("/coordination/people/?consent=zzz", "consent"),
    ("/coordination/people/?page=abc", "page"),
    ("/coordination/people/?q=" + "a" * 201, "q"),
    ("/coordination/people.csv?theme=no-such-theme", "theme"),
    ("/coordination/events/{slug}/?page=-1", "page"),
    ("/coordination/events/{slug}/?sort=name", "sort"),
    ("/coordination/workshops/?page=abc", "page"),
    ("/coordination/awareness/?page=99", "page"),
    ("/coordination/changes/?model=zzz", "model"),
    ("/coordination/changes/?page=0", "page"),
]


@pytest.mark.parametrize(("url", "parameter"), BAD)
def test_a_value_a_list_does_not_accept_answers_400_naming_the_parameter(url, parameter):
    client = Client()
    client.force_login(make_editor())
    event = make_event()
    make_person()  # the log holds a person's creation
    response = client.get(url.format(slug=event.slug))
    assert response.status_code == 400, url
    page = response.content.decode()
    assert "This request cannot be answered" in page  # the observatory's 400 page
    assert re.search(rf"\b{parameter}: ", html.unescape(page)), page


@pytest.mark.parametrize(
    "url",
    [
        "/events/?kind=webinar&place=online&theme=",
        "/events/?page=1&past=1",
        "/events/?page=",
        "/recommendations/?status=proposed&page=1",
        "/coordination/people/?q=ann&side=US&sector=university&consent=newsletter",
        "/coordination/changes/?model=stakeholders.Person",
        # What newsletters and social networks add to a link they pass on is no mistake.
        "/events/?utm_source=newsletter&utm_medium=email&fbclid=IwAR0abc",
        "/recommendations/?status=proposed&gclid=abc",
    ],
)
def test_the_values_a_list_offers_are_answered(url):
    client = Client()
    client.force_login(make_editor())
    make_person()
    assert client.get(url).status_code == 200


def test_the_directory_lists_the_organisations_with_most_people_as_a_plain_count_does():
    organisations = Organisation.objects.bulk_create(
        Organisation(name=f"Organisation {chr(90 - n % 26)}{n}", country="DE") for n in range(40)
    )
    Person.objects.bulk_create(
        Person(first_name="A", last_name=f"B{n}", email=f"p{n}@example.org",
               organisation=organisations[(n * 7) % 23 if n % 5 else n % 4])
        for n in range(120)
    )  # fmt: skip
    plain = Organisation.objects.annotate(n_people=Count("people"))
    for n in (1, 3, 10, 23, 30, 40, 45):
        expected = [(o.pk, o.n_people) for o in plain.order_by("-n_people", "name", "pk")[:n]]
        found = [(o.pk, o.n_people) for o in directory.largest_organisations(n)]
        assert found == expected, n


# Pages that read no query parameter (or one only: a new recommendation's `event`), and who
# opens them. The links of the e-mails are tried with a token that is not valid: the
# parameter is refused before the token is read.
UNREAD = [
    ("/me/", "participant"),
    ("/me/data.json", "participant"),
    ("/me/erase/", "participant"),
    ("/me/registrations/{registration}/certificate.pdf", "participant"),
    ("/accounts/signup/", "visitor"),
    ("/accounts/password/reset/", "visitor"),
    ("/events/{slug}/", "visitor"),
    ("/events/{slug}/register/", "visitor"),
    ("/events/{slug}.ics", "visitor"),
    ("{cancel}", "visitor"),
    ("/recommendations/{recommendation}/", "visitor"),
    ("/coordination/", "editor"),
    ("/coordination/import/", "editor"),
    ("/coordination/import/template.csv", "editor"),
    ("/coordination/recommendations/new/", "editor"),
    ("/coordination/recommendations/{recommendation}/", "editor"),
    ("/coordination/people/{person}/", "editor"),
    ("/coordination/people/{person}/data.json", "editor"),
    ("/coordination/people/{person}/erase/", "editor"),
    ("/coordination/organisations/{organisation}/", "editor"),
    ("/coordination/events/{slug}/survey/", "editor"),
    ("/coordination/events/{slug}/meetings/", "editor"),
    ("/coordination/events/{slug}/check-in/", "editor"),
]
TOKENS = ["/events/confirm/not-a-token/", "/feedback/not-a-token/", "/documents/999999/"]


@pytest.mark.parametrize(("url", "who"), UNREAD)
def test_a_parameter_a_page_does_not_read_answers_400_naming_it(url, who, site_warehouse):
    """`/me/?registration=3` is not a view of one registration: refused as the observatory's
    pages refuse what they do not read, rather than the whole page as if it had read it; a
    link's decoration (`utm_source=`) still opens the page."""
    client = Client()
    ada = make_person()
    event = make_event()
    registration = register(None, event, ada, source="test", notify=False)
    mark_attendance(None, event, {registration.pk: True})
    if who == "participant":
        client.force_login(make_participant(ada))
    elif who == "editor":
        client.force_login(make_editor())
    address = url.format(
        slug=event.slug,
        registration=registration.pk,
        cancel=cancel_link(registration).removeprefix(settings.BILAT_BASE_URL),
        person=ada.pk,
        organisation=ada.organisation_id,
        recommendation=Recommendation.objects.create(
            title="Share data", text="t", barrier="data", addressee="both", owner="Group",
            status="endorsed",
        ).pk,
    )  # fmt: skip
    _refused(client, address, "registration")
    assert client.get(address, {"utm_source": "newsletter"}).status_code == 200, address


def test_the_links_of_the_emails_refuse_a_parameter_before_reading_their_token():
    for address in TOKENS:
        _refused(Client(), address, "registration")
    editor = Client()
    editor.force_login(make_editor())
    _refused(editor, "/coordination/recommendations/new/", "events")
    assert editor.get("/coordination/recommendations/new/?event=x").status_code == 200


def _refused(client: Client, address: str, parameter: str) -> None:
    response = client.get(address, {parameter: "3"})
    assert response.status_code == 400, address
    page = html.unescape(response.content.decode())
    assert "This request cannot be answered" in page  # the observatory's 400 page
    assert f"{parameter}: this page has no such parameter" in page, address

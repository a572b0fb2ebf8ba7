"""The editors' directory: the people matching a search and filters, the organisations with
most people, and the filtered list as a table (the CSV download, e.g. the newsletter's
mailing list). The views parse the request and render; the queries are here."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import pyarrow as pa
from django.db.models import Count, Q, QuerySet
from django.urls import reverse
from django.utils.safestring import SafeString

from bilat.coordination.filtering import options_html
from bilat.coordination.stakeholders.models import Consent, Organisation, Person, Purpose, Theme
from bilat.coordination.vocabulary import Sector, Side
from bilat.exports import text_table

FILTERS = {"side": "side", "sector": "organisation__sector", "theme": "themes__name"}
COLUMNS = (
    "first_name",
    "last_name",
    "email",
    "organisation",
    "position",
    "country",
    "side",
    "sector",
    "themes",
    "consents",
)


def search(params: Mapping[str, str]) -> QuerySet[Person]:
    """The people matching the search (`q`), side, sector, theme and current consent
    asked for, ordered by name."""
    found = Person.objects.all()
    query = params.get("q", "").strip()
    if query:
        found = found.filter(
            Q(first_name__icontains=query)
            | Q(last_name__icontains=query)
            | Q(email__icontains=query)
            | Q(organisation__name__icontains=query)
        )
    for param, lookup in FILTERS.items():
        value = params.get(param)
        if value:
            found = found.filter(**{lookup: value})
    consent = params.get("consent")
    if consent:
        found = found.filter(consent__purpose=consent, consent__withdrawn__isnull=True)
    if params.get("theme") or consent:  # joins that can repeat a person
        found = found.distinct()
    return found.order_by("last_name", "first_name", "pk")


@dataclass(frozen=True)
class Listed:
    """A person as the directory's page lists them, put together in Python once per row:
    in the template each label, related manager and lookup cost more than the row. Their
    organisation's words too (name, address, CORDIS match), so the row needs no `with`,
    no filter and no lookup through the organisation."""

    pk: int
    name: str  # "Last, First"
    email: str
    organisation: Organisation | None
    side: str
    sector: str
    themes: tuple[str, ...]
    registrations: int
    href: str = ""
    organisation_href: str = ""  # empty without an organisation
    match_state: str = ""
    match_label: str = ""


def listed(people: Sequence[Person]) -> list[Listed]:
    """The page's people (fetched with their organisation), in their order, with their
    themes and their number of registrations: two queries for the page, not for the whole
    directory."""
    pks = [p.pk for p in people]
    counted = Person.objects.filter(pk__in=pks).order_by().annotate(n=Count("registrations"))
    counts = dict(counted.values_list("pk", "n"))
    themes: defaultdict[int, list[str]] = defaultdict(list)
    through = Person.themes.through.objects.filter(person_id__in=pks).order_by("theme__name")
    for person, name in through.values_list("person_id", "theme__name"):
        themes[person].append(name)
    sides, sectors = dict(Side.choices), dict(Sector.choices)
    here = reverse("coordination")
    return [
        Listed(
            pk=p.pk,
            name=f"{p.last_name}, {p.first_name}",
            email=p.email,
            organisation=(o := p.organisation),
            side=sides.get(p.side, p.side),
            sector=sectors.get(o.sector, "") if o else "",
            themes=tuple(themes[p.pk]),
            registrations=counts.get(p.pk, 0),
            href=f"{here}people/{p.pk}/",
            organisation_href=f"{here}organisations/{o.pk}/" if o else "",
            match_state=o.match_state if o else "",
            match_label=o.match_label if o else "",
        )
        for p in people
    ]


def filter_options(params: Mapping[str, str]) -> dict[str, SafeString]:
    """The options of the directory's filter boxes, each with the value asked for selected
    (written in Python: a template loop over the 40 themes cost more than the boxes)."""
    themes = Theme.objects.values_list("name", "name")
    return {
        "side": options_html(Side.choices, [params.get("side", "")]),
        "sector": options_html(Sector.choices, [params.get("sector", "")]),
        "theme": options_html(themes, [params.get("theme", "")]),
        "consent": options_html(Purpose.choices, [params.get("consent", "")]),
    }


def largest_organisations(n: int) -> list[Organisation]:
    """The `n` organisations with most people in the directory (then by name), each with
    `n_people`. People are counted once, grouped by organisation (an index scan), and only
    the organisations that can be among the first `n` are read: joining everyone to their
    organisation and grouping, or counting each organisation's people apart, took most of
    the directory page's time at 20,000 people (120 ms on PostgreSQL for the latter)."""
    grouped = Person.objects.filter(organisation__isnull=False).order_by().values("organisation_id")
    counts: dict[int, int] = dict(
        grouped.annotate(n=Count("pk")).values_list("organisation_id", "n")
    )
    least = sorted(counts.values(), reverse=True)[n - 1] if len(counts) >= n else 0
    found = list(Organisation.objects.filter(pk__in=[pk for pk, c in counts.items() if c >= least]))
    if len(found) < n:  # too few have people: the others follow by name, with none
        found += Organisation.objects.exclude(pk__in=counts).order_by("name", "pk")[
            : n - len(found)
        ]
    for organisation in found:
        organisation.n_people = counts.get(organisation.pk, 0)  # type: ignore[attr-defined]
    return sorted(found, key=lambda o: (-counts.get(o.pk, 0), o.name, o.pk))[:n]


def table(found: QuerySet[Person]) -> pa.Table:
    """The people found as a text table, one row each, with their themes and current
    consents. Read as plain rows, not model objects: a directory of tens of thousands of
    people is written in well under a second."""
    themes: defaultdict[int, list[str]] = defaultdict(list)
    for person, name in Person.themes.through.objects.filter(person__in=found).values_list(
        "person_id", "theme__name"
    ):
        themes[person].append(name)
    consents: defaultdict[int, list[str]] = defaultdict(list)
    for person, purpose in (
        Consent.objects.filter(person__in=found, withdrawn__isnull=True)
        .values_list("person_id", "purpose")
        .order_by("purpose")
        .distinct()
    ):
        consents[person].append(purpose)
    fields = ("pk", "first_name", "last_name", "email", "organisation__name", "position",
              "country", "side", "organisation__sector")  # fmt: skip
    rows = [
        {
            "first_name": first,
            "last_name": last,
            "email": email,
            "organisation": organisation or "",
            "position": position,
            "country": country,
            "side": side,
            "sector": sector or Sector.OTHER,
            "themes": "; ".join(sorted(themes[pk])),
            "consents": "; ".join(consents[pk]),
        }
        for pk, first, last, email, organisation, position, country, side, sector in (
            found.values_list(*fields)
        )
    ]
    return text_table(COLUMNS, rows)

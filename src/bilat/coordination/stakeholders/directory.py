"""The editors' directory: the people matching a search and filters, the organisations with
most people, and the filtered list as a table (the CSV download, e.g. the newsletter's
mailing list). The views parse the request and render; the queries are here."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping

import pyarrow as pa
from django.db.models import Count, Q, QuerySet

from bilat.coordination.stakeholders.models import Consent, Organisation, Person
from bilat.coordination.vocabulary import Sector
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


def count_registrations(people: Iterable[Person]) -> None:
    """Set `n_registrations` on each of these people (the page shown), in one query: not
    for the whole directory."""
    shown = list(people)
    counts = dict(
        Person.objects.filter(pk__in=[p.pk for p in shown])
        .annotate(n=Count("registrations"))
        .values_list("pk", "n")
    )
    for person in shown:
        person.n_registrations = counts.get(person.pk, 0)  # type: ignore[attr-defined]


def largest_organisations(n: int) -> QuerySet[Organisation]:
    """The `n` organisations with most people in the directory."""
    counted = Organisation.objects.annotate(n_people=Count("people"))
    return counted.order_by("-n_people", "name")[:n]


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

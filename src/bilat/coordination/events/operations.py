"""Verbs that change events and registrations; each one writes the change log.

Registering checks, in one transaction with the event row locked, that the person is not
registered yet and that there is a place: a full event puts people on its waiting list (or
refuses them when it has none), and a cancellation gives the first waiting person the place.
The registrant is told by e-mail where they stand once the change is committed (`notices`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from django.db import transaction
from django.db.models import Case, Count, OuterRef, QuerySet, Subquery, Value, When
from django.db.models.functions import Coalesce

from bilat.coordination.audit.operations import Actor, record
from bilat.coordination.events.models import Event, Registration, Status
from bilat.coordination.events.notices import registration_notice
from bilat.coordination.events.questions import save_answers
from bilat.coordination.stakeholders.models import Person
from bilat.coordination.stakeholders.operations import PersonData, save_person
from bilat.errors import CoordinationError

# What follows an event's attendance (the awareness log's reach), registered by the apps
# above this one in their AppConfig.ready; each is called with the actor and the event, in
# the transaction that changed who attended, so they never disagree.
ATTENDANCE_FOLLOWERS: list[Callable[[Actor, Event], object]] = []


def attendance_changed(actor: Actor, event: Event) -> None:
    """Tell what follows `event`'s attendance that it changed."""
    for follow in ATTENDANCE_FOLLOWERS:
        follow(actor, event)


def with_places(events: QuerySet[Event]) -> QuerySet[Event]:
    """The events with their confirmed registrations counted in the same query, so that
    `places_left` of each one asks nothing more (a list of events, not one query each).

    Counted for each event by the registrations' (event, status) index, not by joining every
    registration to its event and grouping on all the event's columns: that read the 40,000
    registrations of a large project for a page of 100 events."""
    confirmed = (
        Registration.objects.filter(event=OuterRef("pk"), status=Status.CONFIRMED)
        .order_by()
        .values("event")
        .annotate(n=Count("pk"))
        .values("n")
    )
    # Only an event with a limit has places to count (`places_left` of the others is None).
    counted = Case(
        When(capacity__isnull=True, then=Value(0)), default=Coalesce(Subquery(confirmed), 0)
    )
    return events.annotate(n_confirmed=counted)


def places_left(event: Event) -> int | None:
    """Free places; None when the event has no capacity limit. Counted now, unless the
    event comes from `with_places`."""
    if event.capacity is None:
        return None
    taken = getattr(event, "n_confirmed", None)
    if taken is None:
        taken = event.registrations.filter(status=Status.CONFIRMED).count()
    return max(event.capacity - taken, 0)


def check_open(event: Event, *, after_end: bool = False) -> None:
    """Refuse a registration for an event that is closed, that has ended (unless
    `after_end`: editors recording who came), or that is full and has no waiting list."""
    if not event.registration_open:
        raise CoordinationError(f"Registration for {event.title} is closed.")
    if not after_end and event.has_ended:  # its end time, in its own zone
        raise CoordinationError(f"{event.title} ended on {event.ends:%d %B %Y}.")
    if places_left(event) == 0 and not event.waiting_list:
        raise CoordinationError(
            f"{event.title} is full ({event.capacity} places) and has no waiting list."
        )


def closed_because(event: Event) -> str | None:
    """Why the public form cannot take a registration for `event` now, or None if it can:
    the form says so before anyone fills it in."""
    try:
        check_open(event)
    except CoordinationError as error:
        return str(error)
    return None


@transaction.atomic
def register(
    actor: Actor,
    event: Event,
    person: Person,
    *,
    source: str,
    notify: bool = True,
    after_end: bool = False,
    answers: Mapping[str, str] | None = None,
) -> Registration:
    """Register `person` for `event`: confirmed, or on the waiting list when it is full; the
    person is told by e-mail unless `notify` is false (an import of another tool's
    registrations, whose registrants that tool has told already). An event that has ended
    is refused unless `after_end` (editors, imports and the example data record past
    events). `answers` (question id → answer) are the event's own questions answered."""
    event = Event.objects.select_for_update().get(pk=event.pk)
    check_open(event, after_end=after_end)
    existing = event.registrations.filter(person=person).first()
    if existing is not None and existing.status != Status.CANCELLED:
        where = "on the waiting list" if existing.status == Status.WAITING else "registered"
        raise CoordinationError(
            f"{person.email} is already {where} for {event.title}.", field="email"
        )
    # After its end an event has no waiting list (nobody would ever get the place): who is
    # recorded then took part, whatever the capacity was.
    ended = event.has_ended
    status = Status.WAITING if places_left(event) == 0 and not ended else Status.CONFIRMED
    organisation = person.organisation
    registration = existing or Registration(event=event, person=person)
    registration.status = status
    registration.source = source
    registration.attended = None  # a cancelled registration taken up again is not marked yet
    registration.side = person.side
    registration.sector = person.sector
    registration.country = person.country or (organisation.country if organisation else "")
    registration.organisation_type = organisation.organisation_type if organisation else "OTH"
    registration.save()
    if answers is not None:
        save_answers(registration, answers)
    record(actor, "register", registration, ["status"], note=status)
    if notify:
        registration_notice(registration)
    return registration


@transaction.atomic
def register_person(
    actor: Actor,
    event: Event,
    data: PersonData,
    *,
    source: str,
    overwrite: bool = True,
    after_end: bool = False,
    answers: Mapping[str, str] | None = None,
) -> Registration:
    """Save the person a form describes (matched by e-mail) and register them, in one
    transaction: a refused registration keeps no trace of the person."""
    person, _ = save_person(actor, data, source=source, overwrite=overwrite)
    return register(actor, event, person, source=source, after_end=after_end, answers=answers)


@transaction.atomic
def cancel(actor: Actor, registration: Registration) -> Registration | None:
    """Cancel a registration; returns the waiting registration that got the place, if any,
    whose registrant is told by e-mail."""
    event = Event.objects.select_for_update().get(pk=registration.event_id)
    was_confirmed = registration.status == Status.CONFIRMED
    registration.status = Status.CANCELLED
    registration.save(update_fields=["status"])
    record(actor, "cancel", registration, ["status"])
    if not was_confirmed:
        return None
    attendance_changed(actor, event)  # they may have been marked present
    waiting = event.registrations.filter(status=Status.WAITING).order_by("created", "id").first()
    if waiting is None or places_left(event) == 0:
        return None
    waiting.status = Status.CONFIRMED
    waiting.save(update_fields=["status"])
    record(actor, "promote", waiting, ["status"], note="place freed by a cancellation")
    registration_notice(waiting)
    return waiting


@transaction.atomic
def mark_attendance(actor: Actor, event: Event, attended: Mapping[int, bool | None]) -> int:
    """Set who came (registration id → True, False or None for not marked); returns how
    many registrations changed. Only confirmed registrations of this event can be marked."""
    changed = 0
    rows = event.registrations.filter(pk__in=list(attended), status=Status.CONFIRMED)
    found = {r.pk: r for r in rows}
    unknown = set(attended) - set(found)
    if unknown:
        raise CoordinationError(
            f"Registrations {sorted(unknown)} are not confirmed registrations of {event.title}."
        )
    for pk, value in attended.items():
        registration = found[pk]
        if registration.attended != value:
            registration.attended = value
            registration.save(update_fields=["attended"])
            record(actor, "attendance", registration, ["attended"])
            changed += 1
    if changed:
        attendance_changed(actor, event)
    return changed

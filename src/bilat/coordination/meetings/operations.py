"""Verbs that change an event's meeting schedule; each one writes the change log.

`propose` fills the schedule from the proposals (best pairs first, each into the earliest
slot where both people are free and a table is left); editors then move, add and remove
meetings, and `publish` shows each participant their own meetings and e-mails them.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from bilat.coordination import mail
from bilat.coordination.audit.operations import Actor, record
from bilat.coordination.events.models import Event
from bilat.coordination.meetings.models import Meeting, Plan
from bilat.coordination.meetings.proposals import candidates, proposals
from bilat.coordination.stakeholders.models import Person
from bilat.errors import CoordinationError


def plan_of(event: Event) -> Plan:
    """The event's meeting plan, made with the defaults the first time it is asked for."""
    plan, _ = Plan.objects.get_or_create(event=event, defaults={"day": event.starts})
    return plan


def _table_name(n: int) -> str:
    return f"Table {n}"


@transaction.atomic
def propose(actor: Actor, plan: Plan) -> int:
    """Replace the meetings bilat proposed before (editors' own stay) with a new schedule;
    returns how many meetings it holds now."""
    plan = Plan.objects.select_for_update().get(pk=plan.pk)
    plan.meetings.filter(proposed=True).delete()
    kept = list(plan.meetings.all())
    busy: defaultdict[int, set[int]] = defaultdict(set)  # person → slots
    tables: defaultdict[int, set[str]] = defaultdict(set)  # slot → tables taken
    pairs = {(m.eu_id, m.us_id) for m in kept}
    for meeting in kept:
        busy[meeting.eu_id].add(meeting.slot)
        busy[meeting.us_id].add(meeting.slot)
        tables[meeting.slot].add(meeting.table)
    made = 0
    for proposal in proposals(plan.event):
        eu, us = proposal.eu.pk, proposal.us.pk
        if (eu, us) in pairs:
            continue
        free = [
            s
            for s in range(plan.slots)
            if s not in busy[eu] and s not in busy[us] and len(tables[s]) < plan.tables
        ]
        if not free:
            continue
        slot = free[0]
        table = next(
            _table_name(n)
            for n in range(1, plan.tables + len(tables[slot]) + 2)
            if _table_name(n) not in tables[slot]
        )
        Meeting.objects.create(
            plan=plan,
            eu=proposal.eu,
            us=proposal.us,
            slot=slot,
            table=table,
            score=proposal.score,
            reasons="\n".join(proposal.reasons),
        )
        busy[eu].add(slot)
        busy[us].add(slot)
        tables[slot].add(table)
        made += 1
    record(actor, "propose", plan, ["meetings"], note=f"{made} meetings proposed")
    return len(kept) + made


def _check(plan: Plan, eu: Person, us: Person, slot: int, table: str, *, other: int | None) -> None:
    """Refuse a meeting that does not fit: a slot out of the plan, a person or a table
    taken at that time, people who cannot be matched."""
    if not 0 <= slot < plan.slots:
        raise CoordinationError(
            f"Slot {slot + 1} is not in the plan (1 to {plan.slots}).", field="slot"
        )
    if not table.strip():
        raise CoordinationError("Say at which table or in which room.", field="table")
    eu_side, us_side = candidates(plan.event)
    if eu not in eu_side or us not in us_side:
        raise CoordinationError(
            "Both people must be confirmed for the event, one on each side, and have agreed "
            "to be matched.",
            field="eu",
        )
    same_time = plan.meetings.filter(slot=slot)
    if other is not None:
        same_time = same_time.exclude(pk=other)
    if same_time.filter(eu=eu).exists() or same_time.filter(us=us).exists():
        raise CoordinationError(
            f"{eu if same_time.filter(eu=eu).exists() else us} has another meeting at "
            f"{plan.slot_label(slot)}.",
            field="slot",
        )
    if same_time.filter(table=table.strip()).exists():
        raise CoordinationError(f"{table} is taken at {plan.slot_label(slot)}.", field="table")


@transaction.atomic
def move(actor: Actor, meeting: Meeting, *, slot: int, table: str) -> bool:
    """Give a meeting another slot or table; returns whether it changed."""
    table = table.strip()
    if (meeting.slot, meeting.table) == (slot, table):
        return False
    _check(meeting.plan, meeting.eu, meeting.us, slot, table, other=meeting.pk)
    meeting.slot, meeting.table, meeting.proposed = slot, table, False
    meeting.save(update_fields=["slot", "table", "proposed"])
    record(actor, "update", meeting, ["slot", "table"])
    return True


@transaction.atomic
def add(actor: Actor, plan: Plan, *, eu: Person, us: Person, slot: int, table: str) -> Meeting:
    """An editor's own meeting (kept when bilat proposes again)."""
    if plan.meetings.filter(eu=eu, us=us).exists():
        raise CoordinationError(f"{eu} and {us} already have a meeting.", field="eu")
    _check(plan, eu, us, slot, table, other=None)
    meeting = Meeting.objects.create(
        plan=plan, eu=eu, us=us, slot=slot, table=table.strip(), proposed=False,
        reasons="Added by an editor",
    )  # fmt: skip
    record(actor, "create", meeting, ["eu", "us", "slot", "table"])
    return meeting


@transaction.atomic
def remove(actor: Actor, meeting: Meeting) -> None:
    record(actor, "delete", meeting, note="meeting removed")
    meeting.delete()


def _letter(person: Person, plan: Plan) -> str:
    lines = []
    mine = plan.meetings.filter(Q(eu=person) | Q(us=person))
    for meeting in mine.select_related("eu__organisation", "us__organisation"):
        other = meeting.us if meeting.eu_id == person.pk else meeting.eu
        where = f" ({other.organisation})" if other.organisation else ""
        lines.append(f"- {meeting.when}, {meeting.table}: {other}{where}")
    return (
        f"Your one-to-one meetings at {plan.event.title} on {plan.day:%d %B %Y}:\n\n"
        + "\n".join(lines)
        + "\n\nYou see them on 'My data' on the site too: "
        + mail.link("me")
        + "\nYou agreed to be matched; you can withdraw that consent there at any time.\n"
    )


@transaction.atomic
def publish(actor: Actor, plan: Plan) -> int:
    """Publish the schedule: each participant sees their own meetings on /me/ and gets them
    by e-mail (again, when an editor changes it after publishing); returns how many people
    were written to."""
    if not plan.meetings.exists():
        raise CoordinationError("There is no meeting to publish: propose or add some first.")
    plan.published = timezone.now()
    plan.save(update_fields=["published"])
    record(actor, "publish", plan, ["published"])
    ids = set(plan.meetings.values_list("eu_id", flat=True))
    ids |= set(plan.meetings.values_list("us_id", flat=True))
    people = Person.objects.filter(pk__in=ids).select_related("organisation")
    for person in people:
        mail.after_commit(
            person.email, f"Your meetings at {plan.event.title}", _letter(person, plan)
        )
    return len(ids)


def meetings_of(person: Person, *, unpublished: bool = False) -> list[Meeting]:
    """A participant's own meetings, of published schedules only unless `unpublished` (the
    editors see schedules they have not published yet)."""
    mine = Meeting.objects.filter(Q(eu=person) | Q(us=person))
    if not unpublished:
        mine = mine.filter(plan__published__isnull=False)
    return list(
        mine.select_related("plan__event", "eu__organisation", "us__organisation").order_by(
            "plan__day", "slot", "pk"
        )
    )


def export_meetings(person: Person, editors: bool) -> list[dict[str, Any]]:
    """A person's meetings in their data export, as /me/ lists them: of the other person only
    their name and organisation, which /me/ shows them. The editors' export also holds the
    meetings of schedules not yet published, marked as such."""
    found = []
    for meeting in meetings_of(person, unpublished=editors):
        other = meeting.us if meeting.eu_id == person.pk else meeting.eu
        row: dict[str, Any] = {
            "event": meeting.plan.event.title,
            "day": meeting.plan.day.isoformat(),
            "time": meeting.when,
            "table": meeting.table,
            "with": str(other),
            "with_organisation": other.organisation.name if other.organisation else None,
            "why": meeting.reasons,
        }
        if editors:
            row["published"] = meeting.plan.published is not None
        found.append(row)
    return found

"""The outcomes of the dialogue read in the data: did organisations that met at an event
later work together in framework-programme projects, more than similar organisations that
did not come?

Organisations count by their confirmed PIC only (an editor confirmed the CORDIS match).
A pair met when both organisations came to the same event; in a series each pair counts
once, from the first event both came to (two organisations that came to different events
never met, and are no pair). Of the pairs that met:

- every pair that appears together in projects after the event;
- the EU-US pairs, and those that had a one-to-one meeting, first co-participating after the
  event: no joint project before or at the event's date, at least one after, with the
  projects listed;
- a comparison group: for each organisation of an EU-US pair, up to `CONTROLS` organisations
  of the same country and activity type, with about the same number of projects before the
  event, that did not attend; the share of the pairs of their comparison organisations
  (one's with the other's) first co-participating after the event is set beside the
  attendees' share.

A pair that first met at an event later than the CORDIS data loaded (no project starts after
it) cannot be read yet: it is counted apart (`unread_pairs`), never among the pairs that met
and did not work together, and its organisations get no comparison group for that date.

This is association, not proof: organisations that choose to come may be the ones about to
work together anyway, and the comparison matches only what the data holds.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Container, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date

from bilat.coordination.events.models import Event, Status
from bilat.coordination.meetings.models import Meeting
from bilat.serving import warehouse
from bilat.warehouse import outcomes as queries

CONTROLS = 5
# Bands of prior activity (projects before the event) that a comparison organisation shares.
BANDS = (0, 1, 2, 5, 10, 50)
CAVEAT = (
    "This is association, not proof: organisations that choose to take part may be those "
    "about to work together anyway, and the comparison group matches only country, "
    "organisation type and earlier activity, which is what the data holds."
)


@dataclass(frozen=True)
class Party:
    """An organisation that took part, by its confirmed PIC."""

    pic: int
    name: str
    side: str  # EU or US (other sides take part in the joint projects, not the pairs)


@dataclass(frozen=True)
class Project:
    programme: str
    project_id: int
    acronym: str
    year: int | None
    start: date | None

    @property
    def label(self) -> str:
        when = self.start.isoformat() if self.start else (str(self.year) if self.year else "?")
        return f"{self.acronym or self.project_id} ({self.programme} {self.project_id}, {when})"


@dataclass(frozen=True)
class Pair:
    first: Party
    second: Party
    since: date  # the event after which the pair is read
    projects: tuple[Project, ...]  # their joint projects after that date


@dataclass
class Comparison:
    attending_pairs: int
    attending_new: int
    control_pairs: int
    control_new: int
    controls: int
    control_pics: tuple[int, ...]

    @staticmethod
    def share(new: int, pairs: int) -> float | None:
        return new / pairs if pairs else None


@dataclass
class Outcome:
    organisations: list[Party]
    without_pic: int  # attending organisations with no confirmed PIC
    together_after: list[Pair] = field(default_factory=list)
    met_new: list[Pair] = field(default_factory=list)
    meeting_new: list[Pair] = field(default_factory=list)
    meeting_pairs: int = 0
    met_pairs: int = 0  # every EU-US pair that met, read or not
    unread_pairs: int = 0  # of them, those that met later than the CORDIS data
    comparison: Comparison | None = None

    @property
    def read_pairs(self) -> int:
        """The EU-US pairs that met early enough for the data to tell what followed."""
        return self.met_pairs - self.unread_pairs


def _band(n: int) -> int:
    return sum(1 for edge in BANDS if n >= edge)


def _after(row: dict[str, object], when: date) -> bool:
    start = row["start_date"]
    if isinstance(start, date):
        return start > when
    year = row["year"]
    return isinstance(year, int) and year > when.year


def _known(row: dict[str, object]) -> bool:
    return isinstance(row["start_date"], date) or isinstance(row["year"], int)


@dataclass
class Attendance:
    """An organisation that took part, and the events it came to (their dates, by event)."""

    party: Party
    events: dict[int, date]


def attending(events: Sequence[Event]) -> tuple[dict[int, Attendance], int]:
    """The attending organisations with a confirmed PIC, each with the events of `events` it
    came to; and how many attending organisations have no PIC."""
    found: dict[int, Attendance] = {}
    without: set[int] = set()
    for event in sorted(events, key=lambda e: (e.starts, e.pk)):
        came = event.registrations.filter(
            status=Status.CONFIRMED, attended=True, person__organisation__isnull=False
        ).select_related("person__organisation")
        for registration in came:
            organisation = registration.person.organisation if registration.person else None
            if organisation is None:
                continue
            if organisation.pic is None:
                without.add(organisation.pk)
                continue
            if organisation.pic not in found:
                side = organisation.side if organisation.side in ("EU", "US") else registration.side
                found[organisation.pic] = Attendance(
                    Party(organisation.pic, organisation.name, side), {}
                )
            found[organisation.pic].events[event.pk] = event.starts
    return found, len(without)


def met(found: dict[int, Attendance]) -> dict[tuple[int, int], date]:
    """Every pair of organisations (by PICs, the smaller first) that came to the same event,
    with the date of the first event both came to: the pair is read from there, once. Two
    organisations that came to different events of a series never met."""
    pairs: dict[tuple[int, int], date] = {}
    pics = sorted(found)
    for i, a in enumerate(pics):
        for b in pics[i + 1 :]:
            shared = found[a].events.keys() & found[b].events.keys()
            if shared:
                pairs[(a, b)] = min(found[a].events[e] for e in shared)
    return pairs


def _eu_us(
    found: dict[int, Attendance], pairs: dict[tuple[int, int], date]
) -> dict[tuple[int, int], date]:
    return {
        (a, b): since
        for (a, b), since in pairs.items()
        if {found[a].party.side, found[b].party.side} == {"EU", "US"}
    }


def _joint(rows: Iterable[dict[str, object]]) -> dict[tuple[int, int], list[dict[str, object]]]:
    joint: defaultdict[tuple[int, int], list[dict[str, object]]] = defaultdict(list)
    for row in rows:
        joint[(int(str(row["pic_a"])), int(str(row["pic_b"])))].append(row)
    return joint


def _project(row: dict[str, object]) -> Project:
    start = row["start_date"] if isinstance(row["start_date"], date) else None
    year = row["year"] if isinstance(row["year"], int) else None
    return Project(str(row["programme"]), int(str(row["project_id"])),
                   str(row["acronym"] or ""), year, start)  # fmt: skip


def _first_after(rows: list[dict[str, object]], when: date) -> tuple[Project, ...] | None:
    """The joint projects after `when` if the pair had none before (or at) it, else None."""
    if any(_known(r) and not _after(r, when) for r in rows):
        return None
    later = [_project(r) for r in rows if _after(r, when)]
    return tuple(later) if later else None


def outcome(events: Sequence[Event]) -> Outcome:
    """The outcome of one event, or of a series (each pair read once, from the first event
    both organisations took part in; pairs that never came to the same event did not meet)."""
    found, without = attending(events)
    result = Outcome([a.party for a in found.values()], without)
    if not found:
        return result
    joint = _joint(queries.joint_projects(warehouse(), sorted(found)).to_pylist())
    together = met(found)
    eu_us = _eu_us(found, together)
    readable = {day: data_after(day) for day in set(eu_us.values())}  # a query per date
    read = {pair: since for pair, since in eu_us.items() if readable[since]}
    meetings = _meeting_pairs(events, read)
    result.meeting_pairs = len(meetings)
    result.met_pairs = len(eu_us)
    result.unread_pairs = len(eu_us) - len(read)
    for (a, b), rows in sorted(joint.items()):
        since = together.get((a, b))
        later = tuple(_project(r) for r in rows if since and _after(r, since))
        if later and since:
            result.together_after.append(Pair(found[a].party, found[b].party, since, later))
    for (a, b), since in sorted(read.items()):
        new = _first_after(joint.get((a, b), []), since)
        if new is None:
            continue
        pair = Pair(found[a].party, found[b].party, since, new)
        result.met_new.append(pair)
        if (a, b) in meetings:
            result.meeting_new.append(pair)
    if read:  # else nothing to compare: no pair can be read yet
        result.comparison = _comparison(read, found, result)
    return result


def data_after(day: date) -> bool:
    """Whether the CORDIS data loaded hold any project starting after `day`: for an event later
    than the data, "first together after it" cannot be read (it is missing, not zero)."""
    return queries.projects_after(warehouse(), day) > 0


def _meeting_pairs(
    events: Sequence[Event], read: Container[tuple[int, int]]
) -> set[tuple[int, int]]:
    """The PIC pairs of `read` (pairs that met, read) whose people had a meeting at one of
    `events`."""
    pairs = set()
    held = Meeting.objects.filter(plan__event__in=list(events)).select_related(
        "eu__organisation", "us__organisation"
    )
    for meeting in held:
        a = meeting.eu.organisation.pic if meeting.eu.organisation else None
        b = meeting.us.organisation.pic if meeting.us.organisation else None
        if a is not None and b is not None and (min(a, b), max(a, b)) in read:
            pairs.add((min(a, b), max(a, b)))
    return pairs


def _pick(candidates: list[dict[str, object]], prior: int, seed: str) -> list[int]:
    """Up to `CONTROLS` organisations of the same band of prior activity, the nearest in
    number of projects first, ties broken by a hash of the PIC (the same choice each run)."""

    def key(row: dict[str, object]) -> tuple[int, str]:
        n = int(str(row["projects_before"]))
        return abs(n - prior), hashlib.sha256(f"{seed}:{row['pic']}".encode()).hexdigest()

    same = [r for r in candidates if _band(int(str(r["projects_before"]))) == _band(prior)]
    return [int(str(r["pic"])) for r in sorted(same, key=key)[:CONTROLS]]


def _controls(
    wanted: dict[date, list[int]], attended: Container[int]
) -> dict[tuple[int, date], list[int]]:
    """For each organisation of `wanted` (by the date of a pair it is read from), up to
    `CONTROLS` similar ones that did not attend (are not in `attended`): two warehouse queries
    per date (the attendees' records, and every organisation of their countries and types),
    whatever the number of attendees."""
    picked: dict[tuple[int, date], list[int]] = {}
    for since, pics in sorted(wanted.items()):
        mine = queries.activity(warehouse(), before=since, pics=sorted(pics)).to_pylist()
        countries = sorted({str(r["country_iso"]) for r in mine})
        types = sorted({str(r["activity_type"]) for r in mine})
        like: defaultdict[tuple[str, str], list[dict[str, object]]] = defaultdict(list)
        for row in queries.activity(
            warehouse(), before=since, countries=countries, types=types
        ).to_pylist():
            if int(str(row["pic"])) not in attended:
                like[(str(row["country_iso"]), str(row["activity_type"]))].append(row)
        for me in mine:
            others = like[(str(me["country_iso"]), str(me["activity_type"]))]
            chosen = _pick(others, int(str(me["projects_before"])), str(me["pic"]))
            picked[(int(str(me["pic"])), since)] = chosen
    return picked


def _comparison(
    read: dict[tuple[int, int], date],
    found: dict[int, Attendance],
    result: Outcome,
) -> Comparison:
    """The attending EU-US pairs that met and can be read (`read`, each with its date) against
    pairs of similar organisations that did not attend: for each pair that met, the pairs of
    their comparison organisations, read from the same date (each pair once, from its
    earliest)."""
    wanted: defaultdict[date, set[int]] = defaultdict(set)
    for (a, b), since in read.items():
        wanted[since] |= {a, b}
    picked = _controls({day: sorted(pics) for day, pics in wanted.items()}, found)
    pairs: dict[tuple[int, int], date] = {}
    for (a, b), since in sorted(read.items(), key=lambda item: (item[1], item[0])):
        for x in picked.get((a, since), []):
            for y in picked.get((b, since), []):
                pairs.setdefault((min(x, y), max(x, y)), since)
    controls = sorted(
        {pic for pair in pairs for pic in pair}
        | {pic for chosen in picked.values() for pic in chosen}
    )
    joint = _joint(queries.joint_projects(warehouse(), controls).to_pylist())
    new = sum(
        1 for pair, since in pairs.items() if _first_after(joint.get(pair, []), since) is not None
    )
    return Comparison(
        result.read_pairs, len(result.met_new), len(pairs), new, len(controls), tuple(controls)
    )

"""The outcomes of the dialogue read in the data: did organisations that met at an event
later work together in framework-programme projects, more than similar organisations that
did not come?

Organisations count by their confirmed PIC only (an editor confirmed the CORDIS match).
For an event (or a series of events, each pair at the first event where both came):

- every pair of attending organisations that appears together in projects after the event;
- the EU-US pairs that met there (both attended) and the pairs that had a one-to-one
  meeting, first co-participating after the event: no joint project before or at the
  event's date, at least one after, with the projects listed;
- a comparison group: for each attending organisation, up to `CONTROLS` organisations of the
  same country and activity type, with about the same number of projects before the event,
  that did not attend; the share of their EU-US pairs first co-participating after the event
  is set beside the attendees' share.

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


def attending(events: Sequence[Event]) -> tuple[dict[int, tuple[Party, date]], int]:
    """The attending organisations with a confirmed PIC, each with the date of the first of
    `events` they came to; and how many attending organisations have no PIC."""
    found: dict[int, tuple[Party, date]] = {}
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
            elif organisation.pic not in found:
                side = organisation.side if organisation.side in ("EU", "US") else registration.side
                found[organisation.pic] = (
                    Party(organisation.pic, organisation.name, side),
                    event.starts,
                )
    return found, len(without)


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


def _ordered(a: Party, b: Party) -> tuple[Party, Party]:
    return (a, b) if a.pic < b.pic else (b, a)


def outcome(events: Sequence[Event]) -> Outcome:
    """The outcome of one event, or of a series (each pair read from the first event where
    both took part)."""
    found, without = attending(events)
    result = Outcome([o for o, _ in found.values()], without)
    if not found:
        return result
    joint = _joint(queries.joint_projects(warehouse(), sorted(found)).to_pylist())
    # Data that go past a date go past every earlier one: a pair (dated by the later of its
    # two first attendances) is read when the data go past both organisations' first dates.
    read = _read(found)
    meetings = _meeting_pairs(events, read)
    result.meeting_pairs = len(meetings)
    result.met_pairs = len(_eu_us_pairs(found))
    result.unread_pairs = result.met_pairs - len(_eu_us_pairs(read))
    for (a, b), rows in sorted(joint.items()):
        first, second = found[a][0], found[b][0]
        since = max(found[a][1], found[b][1])
        later = tuple(_project(r) for r in rows if _after(r, since))
        if later:
            result.together_after.append(Pair(first, second, since, later))
    for a, b in _eu_us_pairs(read):
        since = max(found[a][1], found[b][1])
        new = _first_after(joint.get((min(a, b), max(a, b)), []), since)
        if new is None:
            continue
        pair = Pair(*_ordered(found[a][0], found[b][0]), since, new)
        result.met_new.append(pair)
        if (min(a, b), max(a, b)) in meetings:
            result.meeting_new.append(pair)
    if read:  # else nothing to compare: no pair can be read yet
        result.comparison = _comparison(read, result, attended=found)
    return result


def _read(found: dict[int, tuple[Party, date]]) -> dict[int, tuple[Party, date]]:
    """The organisations of `found` that first came on a date the data go past (one query
    per date of a first attendance)."""
    dates = {since for _, since in found.values()}
    past = {day for day in dates if data_after(day)}
    return {pic: entry for pic, entry in found.items() if entry[1] in past}


def data_after(day: date) -> bool:
    """Whether the CORDIS data loaded hold any project starting after `day`: for an event later
    than the data, "first together after it" cannot be read (it is missing, not zero)."""
    return queries.projects_after(warehouse(), day) > 0


def _eu_us_pairs(found: dict[int, tuple[Party, date]]) -> list[tuple[int, int]]:
    eu = [pic for pic, (o, _) in found.items() if o.side == "EU"]
    us = [pic for pic, (o, _) in found.items() if o.side == "US"]
    return [(a, b) for a in sorted(eu) for b in sorted(us)]


def _meeting_pairs(
    events: Sequence[Event], found: dict[int, tuple[Party, date]]
) -> set[tuple[int, int]]:
    """The PIC pairs of organisations whose people had a meeting at one of `events`."""
    pairs = set()
    held = Meeting.objects.filter(plan__event__in=list(events)).select_related(
        "eu__organisation", "us__organisation"
    )
    for meeting in held:
        a = meeting.eu.organisation.pic if meeting.eu.organisation else None
        b = meeting.us.organisation.pic if meeting.us.organisation else None
        if a is not None and b is not None and a in found and b in found:
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
    found: dict[int, tuple[Party, date]], attended: Container[int]
) -> dict[int, tuple[Party, date]]:
    """For each organisation of `found`, up to `CONTROLS` similar ones that did not attend
    (are not in `attended`):
    two warehouse queries per event date (the attendees' records, and every organisation of
    their countries and types), whatever the number of attendees."""
    controls: dict[int, tuple[Party, date]] = {}
    by_date: defaultdict[date, list[int]] = defaultdict(list)
    for pic, (_, since) in found.items():
        by_date[since].append(pic)
    for since, pics in sorted(by_date.items()):
        mine = queries.activity(warehouse(), before=since, pics=pics).to_pylist()
        countries = sorted({str(r["country_iso"]) for r in mine})
        types = sorted({str(r["activity_type"]) for r in mine})
        like: defaultdict[tuple[str, str], list[dict[str, object]]] = defaultdict(list)
        for row in queries.activity(
            warehouse(), before=since, countries=countries, types=types
        ).to_pylist():
            if int(str(row["pic"])) not in attended:
                like[(str(row["country_iso"]), str(row["activity_type"]))].append(row)
        for me in mine:
            side = found[int(str(me["pic"]))][0].side
            others = like[(str(me["country_iso"]), str(me["activity_type"]))]
            for chosen in _pick(others, int(str(me["projects_before"])), str(me["pic"])):
                controls.setdefault(chosen, (Party(chosen, "", side), since))
    return controls


def _comparison(
    found: dict[int, tuple[Party, date]],
    result: Outcome,
    *,
    attended: Container[int],
) -> Comparison:
    """The attending EU-US pairs read (those of `found`) against pairs of similar
    organisations that did not attend (are not in `attended`)."""
    controls = _controls(found, attended)
    pairs = _eu_us_pairs(controls)
    joint = _joint(queries.joint_projects(warehouse(), sorted(controls)).to_pylist())
    new = 0
    for a, b in pairs:
        since = max(controls[a][1], controls[b][1])
        if _first_after(joint.get((min(a, b), max(a, b)), []), since) is not None:
            new += 1
    return Comparison(
        result.read_pairs,
        len(result.met_new),
        len(pairs),
        new,
        len(controls),
        tuple(sorted(controls)),
    )

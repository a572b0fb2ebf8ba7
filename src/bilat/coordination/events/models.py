"""Events (conferences, workshops, webinars, info days), their agenda, documents and
registrations.

An event page is public once published; registrations never are. A registration keeps a copy
of the registrant's side, sector, country and organisation type, so that the statistics of a
past event survive the erasure of the person.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.db.models.signals import pre_delete
from django.dispatch import receiver
from django.utils import timezone as clock  # `timezone` is an event's field

from bilat.coordination.events.times import When, describe
from bilat.coordination.events.zones import local, start_of_next_day, validate_zone, zone
from bilat.coordination.stakeholders.models import Organisation, Person, Theme
from bilat.coordination.vocabulary import Sector, Side


class Kind(models.TextChoices):
    CONFERENCE = "conference", "Conference"
    THEMATIC = "thematic_workshop", "Thematic workshop"
    FUNDING = "funding_workshop", "Funding-opportunity workshop"
    WEBINAR = "webinar", "Webinar"
    INFO_DAY = "info_day", "Info day"


WORKSHOPS = (Kind.THEMATIC, Kind.FUNDING)


class Location(models.TextChoices):
    """Where an event is held: on the EU side, on the US side, or online. (Its `venue` names
    the building; a person's country and side are `coordination.countries`.)"""

    EU = "EU", "EU side"
    US = "US", "US side"
    ONLINE = "online", "Online"


class EventQuerySet(models.QuerySet["Event"]):
    def published(self) -> EventQuerySet:
        """The events the public may see. "Only published events are public" is written
        here once: the public list, pages, feeds, the register and its downloads and the API
        all start from this."""
        return self.filter(published=True)

    def _ending_near(self, now: datetime) -> tuple[date, Q, list[int]]:
        """Today's date in UTC, the events whose last day is within two days of it, and those
        of them that have ended at `now`. No clock is more than a day from UTC, so an event
        whose last day is further from today has ended (or not) on every clock: only these
        few are decided one by one, by their end moment in their own zone (`Event.end_at`)."""
        today = now.astimezone(UTC).date()
        near = Q(ends__gte=today - timedelta(days=2), ends__lte=today + timedelta(days=2))
        found = self.filter(near).only("pk", "ends", "end_time", "timezone")
        return today, near, [e.pk for e in found if e.end_at <= now]

    def ended(self, now: datetime | None = None) -> EventQuerySet:
        """The events whose end, in their own zone, has passed (the one rule of "has it
        ended": the lists, the event page's Register button and the form agree on it)."""
        today, _, over = self._ending_near(now or clock.now())
        return self.filter(Q(ends__lt=today - timedelta(days=2)) | Q(pk__in=over))

    def not_ended(self, now: datetime | None = None) -> EventQuerySet:
        """The events still to come or running: the others of `ended`."""
        today, near, over = self._ending_near(now or clock.now())
        return self.filter(Q(ends__gt=today + timedelta(days=2)) | (near & ~Q(pk__in=over)))


class Event(models.Model):
    slug = models.SlugField(max_length=80, unique=True)
    title = models.CharField(max_length=250)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    starts = models.DateField(help_text="First day, in the event's time zone")
    ends = models.DateField(help_text="Last day, in the event's time zone")
    start_time = models.TimeField(
        null=True, blank=True, help_text="Local time on the first day; empty: all day"
    )
    end_time = models.TimeField(
        null=True, blank=True, help_text="Local time on the last day; empty: all day"
    )
    timezone = models.CharField(
        max_length=64,
        default="Europe/Brussels",
        validators=[validate_zone],
        verbose_name="time zone",
        help_text="IANA name of the zone of those times: Europe/Brussels, America/New_York...",
    )
    online_link = models.URLField(
        max_length=500,
        blank=True,
        help_text="Where to join online: shown to confirmed registrants only, never public",
    )
    reminder_days = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        default=2,
        help_text="Days before the start to e-mail confirmed registrants a reminder; empty: none",
    )
    place = models.CharField(max_length=6, choices=Location.choices)
    city = models.CharField(max_length=120, blank=True)
    country = models.CharField(max_length=2, blank=True, help_text="ISO 3166 code")
    venue = models.CharField(max_length=250, blank=True)
    themes = models.ManyToManyField(Theme, blank=True)
    organisers = models.ManyToManyField(Organisation, blank=True)
    summary = models.TextField(blank=True, help_text="Public description")
    outcome = models.TextField(blank=True, help_text="Public summary of what came out of it")
    capacity = models.PositiveIntegerField(null=True, blank=True, help_text="Empty: no limit")
    waiting_list = models.BooleanField(
        default=True, help_text="When full, further registrations wait for a place."
    )
    registration_open = models.BooleanField(default=True)
    published = models.BooleanField(default=True)

    objects = EventQuerySet.as_manager()

    class Meta:
        ordering = ("-starts", "title", "pk")
        constraints = (
            models.CheckConstraint(condition=Q(ends__gte=models.F("starts")), name="event_dates"),
        )

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        """An event cannot end before it starts (the database refuses it too); times come
        both or neither, exist on the clocks of the event's zone, and end after they start."""
        if self.starts and self.ends and self.ends < self.starts:
            raise ValidationError(
                {"ends": f"The event ends ({self.ends}) before it starts ({self.starts})."}
            )
        if (self.start_time is None) != (self.end_time is None):
            raise ValidationError(
                {"end_time": "Give both a start and an end time, or neither (all day)."}
            )
        if self.start_time is None or not (self.starts and self.ends):
            return
        try:
            where = zone(self.timezone)
        except ValidationError as error:
            raise ValidationError({"timezone": error.messages}) from error
        try:
            begins = local(self.starts, self.start_time, where)
            finishes = local(self.ends, self.end_time or self.start_time, where)
        except ValidationError as error:
            raise ValidationError({"start_time": error.messages}) from error
        if finishes <= begins:
            raise ValidationError({"end_time": "The event ends before it starts."})

    @property
    def when(self) -> When:
        """When it is, in words: in its zone, in UTC, and as moments for the visitor's clock."""
        return describe(self.start_at, self.end_at, all_day=self.all_day)

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def all_day(self) -> bool:
        """Dates without times (as every event was before times were kept)."""
        return self.start_time is None

    @property
    def start_at(self) -> datetime:
        """The moment it starts, in its zone: the start time, or midnight of an all-day
        event's first day."""
        return datetime.combine(self.starts, self.start_time or datetime.min.time(), self.zone)

    @property
    def end_at(self) -> datetime:
        """The moment it ends, in its zone: the end time, or the midnight after an all-day
        event's last day."""
        if self.end_time is None:
            return start_of_next_day(self.ends, self.zone)
        return datetime.combine(self.ends, self.end_time, self.zone)

    @property
    def has_ended(self) -> bool:
        """Whether its end moment, in its own zone, has passed: what the lists, the event page
        and the registration form all ask (an event still running has not ended)."""
        return self.end_at <= clock.now()


class Session(models.Model):
    """One item of the agenda."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="sessions")
    day = models.DateField()
    starts = models.TimeField()
    ends = models.TimeField(null=True, blank=True)
    title = models.CharField(max_length=250)
    speakers = models.ManyToManyField(Person, blank=True, related_name="talks")

    class Meta:
        ordering = ("day", "starts", "pk")

    def __str__(self) -> str:
        return self.title


class DocumentQuerySet(models.QuerySet["Document"]):
    def public(self) -> DocumentQuerySet:
        """Documents the public may open: public ones of published events."""
        return self.filter(public=True, event__in=Event.objects.published())


class Document(models.Model):
    class Type(models.TextChoices):
        MINUTES = "minutes", "Minutes"
        SLIDES = "slides", "Slides"
        REPORT = "report", "Report"
        OTHER = "other", "Other"

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="documents")
    title = models.CharField(max_length=250)
    type = models.CharField(max_length=10, choices=Type.choices, default=Type.OTHER)
    link = models.URLField(blank=True)
    upload = models.FileField(upload_to="documents/%Y/", blank=True)
    public = models.BooleanField(
        default=False, help_text="Shown on the public event page (editors see every document)"
    )

    objects = DocumentQuerySet.as_manager()

    def __str__(self) -> str:
        return self.title


class Status(models.TextChoices):
    CONFIRMED = "confirmed", "Confirmed"
    WAITING = "waiting", "Waiting list"
    CANCELLED = "cancelled", "Cancelled"


class Registration(models.Model):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="registrations")
    person = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="registrations"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.CONFIRMED)
    attended = models.BooleanField(null=True, blank=True, help_text="Empty: not marked yet")
    created = models.DateTimeField(auto_now_add=True)
    source = models.CharField(max_length=40, help_text="public form, editor, import...")
    # What the statistics need, copied when registering (kept after an erasure).
    side = models.CharField(max_length=5, choices=Side.choices)
    sector = models.CharField(max_length=12, choices=Sector.choices)
    country = models.CharField(max_length=2, blank=True)
    organisation_type = models.CharField(max_length=3)
    reminded = models.DateTimeField(
        null=True, blank=True, help_text="When the reminder before the event was sent"
    )

    class Meta:
        ordering = ("event", "created", "id")
        # Counts per event and status (places left, the API's list, the workshop series and
        # its participants) read this index alone, not the table.
        indexes = (
            models.Index(
                fields=("event", "status", "attended", "person"), name="registration_counts"
            ),
        )
        constraints = (
            models.UniqueConstraint(
                fields=("event", "person"),
                condition=Q(person__isnull=False),
                name="one_registration_per_person",
            ),
        )

    def __str__(self) -> str:
        return f"{self.event} · {self.person or 'erased person'}"


class PendingRegistration(models.Model):
    """A registration asked for on the public form, waiting for the owner of the address to
    confirm it from the e-mail sent there: anyone can type an address into a form, so
    nothing of it reaches the directory, and no place is taken, before. It is deleted when
    confirmed, or once its link has expired."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="pending")
    email = models.EmailField()
    details = models.JSONField(help_text="The form's details and consents, until confirmed")
    created = models.DateTimeField()

    class Meta:
        constraints = (
            models.UniqueConstraint(fields=("event", "email"), name="one_pending_per_address"),
        )

    def __str__(self) -> str:
        return f"{self.event} · awaiting confirmation"


ANSWER_LENGTH = 2000


class Question(models.Model):
    """A question of an event's own registration form, set by editors: free text, one of
    a list, or yes/no; required or not."""

    class Type(models.TextChoices):
        TEXT = "text", "Text"
        CHOICE = "choice", "One of a list"
        YES_NO = "yes_no", "Yes or no"

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="questions")
    text = models.CharField(max_length=300, verbose_name="question")
    type = models.CharField(max_length=10, choices=Type.choices, default=Type.TEXT)
    options = models.TextField(blank=True, help_text="One of a list: one option per line")
    required = models.BooleanField(default=False)
    position = models.PositiveSmallIntegerField(default=0, help_text="Order on the form")

    class Meta:
        ordering = ("event", "position", "pk")

    def __str__(self) -> str:
        return self.text

    def choices(self) -> list[str]:
        """The options of a one-of-a-list question, in order, without blanks or repeats."""
        seen: dict[str, None] = {}
        for line in self.options.splitlines():
            if line.strip():
                seen.setdefault(line.strip(), None)
        return list(seen)

    def clean(self) -> None:
        """A list question needs two options at least; the others take none."""
        if self.type == self.Type.CHOICE and len(self.choices()) < 2:
            raise ValidationError({"options": "Give two options or more, one per line."})
        if self.type != self.Type.CHOICE and self.options.strip():
            raise ValidationError({"options": "Only a one-of-a-list question has options."})


class Answer(models.Model):
    """A registrant's answer to one of the event's questions (personal data: editors only;
    erased with the person)."""

    registration = models.ForeignKey(Registration, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="answers")
    value = models.TextField(max_length=ANSWER_LENGTH)

    class Meta:
        ordering = ("registration", "question__position", "question_id")
        constraints = (
            models.UniqueConstraint(fields=("registration", "question"), name="one_answer"),
        )

    def __str__(self) -> str:
        return f"{self.question}: {self.value[:40]}"


@receiver(pre_delete, sender=Person)
def _erase_answers(sender: type[Person], instance: Person, **kwargs: object) -> None:
    """Erasing a person erases their answers: their registrations stay (counted without
    them), but what they wrote into the event's questions was theirs."""
    Answer.objects.filter(registration__person=instance).delete()

"""Events (conferences, workshops, webinars, info days), their agenda, documents and
registrations.

An event page is public once published; registrations never are. A registration keeps a copy
of the registrant's side, sector, country and organisation type, so that the statistics of a
past event survive the erasure of the person.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

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


class Event(models.Model):
    slug = models.SlugField(max_length=80, unique=True)
    title = models.CharField(max_length=250)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    starts = models.DateField()
    ends = models.DateField()
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
        """An event cannot end before it starts (the database refuses it too)."""
        if self.starts and self.ends and self.ends < self.starts:
            raise ValidationError(
                {"ends": f"The event ends ({self.ends}) before it starts ({self.starts})."}
            )


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

    class Meta:
        ordering = ("event", "created", "id")
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

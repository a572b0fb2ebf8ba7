"""The recommendations register: what the dialogue asks of funders and policy makers, who
owns each recommendation, and where it stands, with the dated history of every change."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Prefetch

from bilat.coordination.events.models import Event


class Barrier(models.TextChoices):
    FUNDING_RULES = "funding_rules", "Funding rules and cost eligibility"
    LEGAL_IPR = "legal_ipr", "Legal and IPR"
    MOBILITY = "mobility", "Mobility and visas"
    DATA = "data", "Data sharing"
    AWARENESS = "awareness", "Awareness and information"
    ACCESS = "access", "Programme access"
    OTHER = "other", "Other"


class Addressee(models.TextChoices):
    EU = "EU", "EU side"
    US = "US", "US side"
    BOTH = "both", "Both sides"


class FunderType(models.TextChoices):
    AGENCY = "agency", "Research funding agency"
    GOVERNMENT = "government", "Ministry or government"
    COMMISSION = "commission", "European Commission"
    PRIVATE = "private", "Private funder or foundation"
    ORGANISATIONS = "organisations", "Universities and research organisations"
    ANY = "any", "Any"


class Priority(models.TextChoices):
    HIGH = "high", "High"
    MEDIUM = "medium", "Medium"
    LOW = "low", "Low"


class Status(models.TextChoices):
    PROPOSED = "proposed", "Proposed"
    ENDORSED = "endorsed", "Endorsed"
    IN_PROGRESS = "in_progress", "In progress"
    IMPLEMENTED = "implemented", "Implemented"
    REJECTED = "rejected", "Rejected"


class RecommendationQuerySet(models.QuerySet["Recommendation"]):
    def published(self) -> RecommendationQuerySet:
        """The recommendations in the public register."""
        return self.filter(published=True)

    def public(self) -> RecommendationQuerySet:
        """Published recommendations with their published source events (`public_sources`)
        fetched in one more query: what the register page, its downloads and the API show.
        An unpublished event cited as a source is never named."""
        events = Prefetch(
            "source_events", queryset=Event.objects.published(), to_attr="public_events"
        )
        return self.published().prefetch_related(events)


class Recommendation(models.Model):
    title = models.CharField(max_length=250)
    text = models.TextField()
    source_events = models.ManyToManyField(Event, blank=True, related_name="recommendations")
    barrier = models.CharField(max_length=20, choices=Barrier.choices)
    addressee = models.CharField(max_length=5, choices=Addressee.choices)
    funder_type = models.CharField(max_length=15, choices=FunderType.choices, default="any")
    priority = models.CharField(max_length=6, choices=Priority.choices, default="medium")
    owner = models.CharField(max_length=200, help_text="Who follows it up (a body, not a person)")
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PROPOSED)
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)
    published = models.BooleanField(default=True)

    objects = RecommendationQuerySet.as_manager()

    class Meta:
        ordering = ("-created", "-id")

    def __str__(self) -> str:
        return self.title

    @property
    def reference(self) -> str:
        return f"R{self.pk:03d}"

    def public_sources(self) -> list[Event]:
        """Its published source events: those `RecommendationQuerySet.public()` fetched with
        it, else asked for now."""
        fetched: list[Event] | None = self.__dict__.get("public_events")
        return fetched if fetched is not None else list(self.source_events.published())


class StatusChange(models.Model):
    recommendation = models.ForeignKey(
        Recommendation, on_delete=models.CASCADE, related_name="history"
    )
    old = models.CharField(max_length=12, choices=Status.choices, blank=True)
    new = models.CharField(max_length=12, choices=Status.choices)
    at = models.DateTimeField(auto_now_add=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    note = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ("at", "id")


class Evidence(models.Model):
    """A view of the observatory (an indicator page, an export or a report) that backs the
    recommendation."""

    recommendation = models.ForeignKey(
        Recommendation, on_delete=models.CASCADE, related_name="evidence"
    )
    label = models.CharField(max_length=200)
    link = models.CharField(max_length=500)

    def __str__(self) -> str:
        return self.label

"""The awareness-raising log: what was done to reach people, and whom it reached."""

from __future__ import annotations

from django.db import models

from bilat.coordination.events.models import Event
from bilat.coordination.vocabulary import Sector, Side


class Kind(models.TextChoices):
    EVENT = "event", "Event"
    NEWSLETTER = "newsletter", "Newsletter"
    WEBINAR = "webinar", "Webinar"
    TALK = "talk", "Talk"
    PUBLICATION = "publication", "Publication"
    OTHER = "other", "Other"


class Activity(models.Model):
    kind = models.CharField(max_length=12, choices=Kind.choices)
    title = models.CharField(max_length=250)
    date = models.DateField()
    event = models.ForeignKey(Event, null=True, blank=True, on_delete=models.SET_NULL)
    link = models.URLField(blank=True)
    description = models.TextField(blank=True)

    class Meta:
        ordering = ("-date", "title", "pk")
        verbose_name_plural = "activities"

    def __str__(self) -> str:
        return self.title


class Reach(models.Model):
    """How many people and organisations of one side and sector an activity reached."""

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="reach")
    side = models.CharField(max_length=5, choices=Side.choices)
    sector = models.CharField(max_length=12, choices=Sector.choices)
    people = models.PositiveIntegerField(default=0)
    organisations = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name_plural = "reach"
        constraints = (
            models.UniqueConstraint(fields=("activity", "side", "sector"), name="reach_once"),
        )

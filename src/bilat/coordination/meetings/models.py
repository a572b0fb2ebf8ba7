"""One-to-one meetings at a workshop between an EU-side and a US-side participant who both
agreed to be matched (consent purpose `meetings`).

bilat proposes them with their reasons; editors adjust the schedule (slots, tables or
rooms) and publish it; each participant then sees their own meetings on /me/ and gets them
by e-mail. Nobody but editors sees anyone else's meetings. Meetings belong to the people in
them: erasing a person removes their meetings.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.db import models
from django.db.models import Q

from bilat.coordination.events.models import Event
from bilat.coordination.stakeholders.models import Person


class Plan(models.Model):
    """The meeting schedule of an event: when the slots are, how many tables, and whether it
    is published (participants see their meetings only once it is)."""

    event = models.OneToOneField(Event, on_delete=models.CASCADE, related_name="meeting_plan")
    day = models.DateField()
    first_slot = models.TimeField(default=time(14, 0), help_text="Start of the first meeting")
    slot_minutes = models.PositiveSmallIntegerField(default=20)
    slots = models.PositiveSmallIntegerField(default=6, help_text="Meetings one person can have")
    tables = models.PositiveSmallIntegerField(default=10, help_text="Meetings at the same time")
    published = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = (
            models.CheckConstraint(condition=Q(slot_minutes__gte=5), name="plan_slot_length"),
            models.CheckConstraint(condition=Q(slots__gte=1), name="plan_some_slots"),
            models.CheckConstraint(condition=Q(tables__gte=1), name="plan_some_tables"),
        )

    def __str__(self) -> str:
        return f"Meetings at {self.event}"

    def slot_start(self, slot: int) -> datetime:
        """When slot number `slot` (from 0) starts, on the plan's day."""
        first = datetime.combine(self.day, self.first_slot)
        return first + timedelta(minutes=slot * self.slot_minutes)

    def slot_label(self, slot: int) -> str:
        start = self.slot_start(slot)
        end = start + timedelta(minutes=self.slot_minutes)
        return f"{start:%H:%M} to {end:%H:%M}"


class Meeting(models.Model):
    """One meeting of the plan: who, when (a slot), where (a table or room), and why."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="meetings")
    eu = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    us = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    slot = models.PositiveSmallIntegerField()
    table = models.CharField(max_length=60, help_text="Table or room")
    score = models.FloatField(default=0.0)
    reasons = models.TextField(blank=True)
    proposed = models.BooleanField(default=True, help_text="Proposed by bilat, not an editor")

    class Meta:
        ordering = ("plan", "slot", "table", "pk")
        constraints = (
            models.UniqueConstraint(fields=("plan", "eu", "us"), name="meeting_pair_once"),
            models.UniqueConstraint(fields=("plan", "slot", "eu"), name="meeting_eu_once"),
            models.UniqueConstraint(fields=("plan", "slot", "us"), name="meeting_us_once"),
            models.UniqueConstraint(fields=("plan", "slot", "table"), name="meeting_table_once"),
        )

    def __str__(self) -> str:
        return f"{self.plan.event} · meeting {self.pk}"

    @property
    def when(self) -> str:
        return self.plan.slot_label(self.slot)

"""The feedback survey of an event: its questions, who was invited, and the answers.

Answers are anonymous: a `Response` holds the answers with the side and sector copied from
the registration (for results by side and sector) and nothing else: no person, no
registration, no invitation, no time. Who may still answer is kept apart, on the
`Invitation` (one per attendee, a flag set when they answer), so that each attendee answers
once through their signed link and the answer cannot be traced back to them from the stored
records or any download. Answering writes nothing to the change log for the same reason.

No figure of the answers is shown while answers can still come in: whoever read the figures
before and after one more answer (after a reminder to two named people, say) would have that
person's answer. They appear once the survey is closed, by an editor or by itself when its
last links expire.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import models
from django.utils import timezone

from bilat.coordination.events.models import Event, Registration
from bilat.coordination.vocabulary import Sector, Side

RATINGS = (1, 2, 3, 4, 5)
LINK_DAYS = 60  # how long an invitation's or a reminder's link is valid


class Survey(models.Model):
    event = models.OneToOneField(Event, on_delete=models.CASCADE, related_name="survey")
    sent = models.DateTimeField(null=True, blank=True)
    reminded = models.DateTimeField(null=True, blank=True)
    closed = models.DateTimeField(
        null=True, blank=True, help_text="When an editor closed it (no answer taken after)"
    )

    def __str__(self) -> str:
        return f"Feedback survey of {self.event}"

    @property
    def links_expire(self) -> datetime | None:
        """When the last link sent stops working: `LINK_DAYS` after the last sending or
        reminder (a reminder signs the links again); None when nothing was sent."""
        last = max((t for t in (self.sent, self.reminded) if t is not None), default=None)
        return None if last is None else last + timedelta(days=LINK_DAYS)

    def closed_at(self, now: datetime | None = None) -> datetime | None:
        """When it stopped taking answers: an editor's closing, or its links' expiry once
        that has passed; None while answers can still come in."""
        if self.closed is not None:
            return self.closed
        expire = self.links_expire
        if expire is not None and expire <= (now or timezone.now()):
            return expire
        return None

    @property
    def is_closed(self) -> bool:
        return self.closed_at() is not None


class Question(models.Model):
    """One question: a rating from 1 (poor) to 5 (excellent), one of a list, or free text."""

    class Type(models.TextChoices):
        RATING = "rating", "Rating from 1 to 5"
        CHOICE = "choice", "One of a list"
        TEXT = "text", "Free text"

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="questions")
    text = models.CharField(max_length=300, verbose_name="question")
    type = models.CharField(max_length=10, choices=Type.choices, default=Type.RATING)
    options = models.TextField(blank=True, help_text="One of a list: one option per line")
    required = models.BooleanField(default=False)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ("survey", "position", "pk")

    def __str__(self) -> str:
        return self.text

    def choices(self) -> list[str]:
        return [line.strip() for line in self.options.splitlines() if line.strip()]


class Invitation(models.Model):
    """An attendee asked to answer: their signed link names this row; `answered` stops a
    second answer. Nothing here says what they answered."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="invitations")
    registration = models.OneToOneField(
        Registration, on_delete=models.CASCADE, related_name="survey_invitation"
    )
    answered = models.BooleanField(default=False)

    def __str__(self) -> str:
        return f"Invitation {self.pk}"


class Response(models.Model):
    """One attendee's answers, anonymous: question id (as text) → the answer."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="responses")
    side = models.CharField(max_length=5, choices=Side.choices)
    sector = models.CharField(max_length=12, choices=Sector.choices)
    answers = models.JSONField()

    def __str__(self) -> str:
        return f"Response {self.pk}"

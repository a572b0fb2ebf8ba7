"""The stakeholder directory: organisations and people on both sides, and people's consent.

People are personal data: only editors see them, each person can see, export and erase their
own record, and nothing about them is public. Organisations are not personal data.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from bilat.coordination.vocabulary import ORGANISATION_TYPE, Sector, Side


class Theme(models.Model):
    """A field of science (EuroSciVoc labels, as in the observatory) that people follow and
    events cover."""

    name = models.CharField(max_length=120, unique=True)

    class Meta:
        ordering = ("name", "pk")

    def __str__(self) -> str:
        return self.name


class MatchState(models.TextChoices):
    """How far an organisation's CORDIS organisation (its PIC) is known: bilat suggests one
    from the name and country, and only an editor confirms it (or says there is none)."""

    NONE = "none", "No match"
    SUGGESTED = "suggested", "Suggested"
    CONFIRMED = "confirmed", "Confirmed"


class Organisation(models.Model):
    name = models.CharField(max_length=250)
    side = models.CharField(max_length=5, choices=Side.choices, default=Side.OTHER)
    sector = models.CharField(max_length=12, choices=Sector.choices, default=Sector.OTHER)
    country = models.CharField(max_length=2, blank=True, help_text="ISO 3166 code")
    city = models.CharField(max_length=120, blank=True)
    website = models.URLField(blank=True)
    pic = models.PositiveBigIntegerField(
        null=True,
        blank=True,
        db_index=True,
        verbose_name="PIC",
        help_text="Participant identification code in CORDIS: shows its participation record.",
    )
    match_state = models.CharField(
        max_length=10,
        choices=MatchState.choices,
        default=MatchState.NONE,
        help_text="Of the PIC: suggested by bilat, confirmed by an editor, or none",
    )
    suggested_pic = models.PositiveBigIntegerField(null=True, blank=True)
    suggested_name = models.CharField(max_length=250, blank=True, help_text="Its CORDIS name")
    suggestion_score = models.FloatField(null=True, blank=True, help_text="Name likeness, 0-100")
    match_checked = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When an editor confirmed the PIC or said there is none: no more suggestions",
    )
    themes = models.ManyToManyField(Theme, blank=True)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("name", "pk")
        constraints = (
            models.UniqueConstraint(fields=("name", "country"), name="organisation_name_country"),
            # A PIC is there only when confirmed; a suggestion names the PIC it suggests.
            models.CheckConstraint(
                condition=Q(pic__isnull=True, match_state__in=("none", "suggested"))
                | Q(pic__isnull=False, match_state="confirmed"),
                name="organisation_pic_confirmed",
            ),
            models.CheckConstraint(
                condition=~Q(match_state="suggested") | Q(suggested_pic__isnull=False),
                name="organisation_suggestion_named",
            ),
        )

    @property
    def match_label(self) -> str:
        """Its CORDIS match in words, as the directory's tags say it."""
        if self.match_state == MatchState.CONFIRMED:
            return f"PIC {self.pic}, confirmed"
        if self.match_state == MatchState.SUGGESTED:
            return f"suggested: PIC {self.suggested_pic}, {self.suggested_name}"
        return "no CORDIS match" + (" (checked)" if self.match_checked else "")

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        # A PIC written directly (the admin, an import, the example data) is an editor's
        # word, so it is confirmed; a PIC removed leaves no match.
        if self.pic is not None:
            self.match_state = MatchState.CONFIRMED
            self.match_checked = self.match_checked or timezone.now()
        elif self.match_state == MatchState.CONFIRMED:
            self.match_state = MatchState.NONE
        super().save(*args, **kwargs)

    @property
    def organisation_type(self) -> str:
        """The CORDIS activity type of this organisation's sector."""
        return ORGANISATION_TYPE[Sector(self.sector)]


class Person(models.Model):
    first_name = models.CharField(max_length=120)
    last_name = models.CharField(max_length=120)
    email = models.EmailField(unique=True)
    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.SET_NULL, related_name="people"
    )
    position = models.CharField(max_length=200, blank=True)
    country = models.CharField(max_length=2, blank=True, help_text="ISO 3166 code")
    side = models.CharField(max_length=5, choices=Side.choices, default=Side.OTHER)
    themes = models.ManyToManyField(Theme, blank=True)
    notes = models.TextField(blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="person",
    )
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("last_name", "first_name", "pk")
        verbose_name_plural = "people"
        # The directory's pages (and the API's) are read in this order: a page of 50 of
        # 20,000 people walks this index instead of sorting everyone.
        indexes = (models.Index(fields=("last_name", "first_name", "id"), name="person_by_name"),)

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        # One person per address whatever its case (people are matched by e-mail), however
        # the record is written: forms, the admin, imports.
        self.email = self.email.strip().lower()
        super().save(*args, **kwargs)

    @property
    def sector(self) -> str:
        return self.organisation.sector if self.organisation else Sector.OTHER

    def consents(self) -> set[str]:
        """The purposes this person agrees to now."""
        return {c.purpose for c in self.consent_set.all() if c.withdrawn is None}


class PendingSignup(models.Model):
    """An account asked for on the sign-up form, waiting for the owner of the address to open
    the link e-mailed there. The address and name wait here, on the server, so that the link
    carries only `key` (random, and signed): no personal data in URLs, browser histories,
    proxies or server logs. Deleted when a newer request for the address replaces it, or once
    its link has expired; once the account is made it keeps only its key and address, marked
    `used`, so that its link, opened again, says to log in rather than to ask for a new one."""

    key = models.CharField(max_length=64, unique=True)
    email = models.EmailField(unique=True)
    first_name = models.CharField(max_length=120)
    last_name = models.CharField(max_length=120)
    created = models.DateTimeField()
    used = models.BooleanField(default=False)

    def __str__(self) -> str:
        return "account awaiting confirmation"


def person_of(user: Any) -> Person | None:
    """The directory record of a signed-in participant's account, if it has one."""
    if user.pk is None:
        return None
    return Person.objects.filter(user_id=user.pk).first()


class Purpose(models.TextChoices):
    REGISTRATION = "registration", "Handle my event registrations"
    DIRECTORY = "directory", "Keep me in the directory of EU-US cooperation contacts"
    NEWSLETTER = "newsletter", "Send me the newsletter"
    SPEAKER = "speaker", "Show my name and organisation as a speaker on public event pages"
    MEETINGS = (
        "meetings",
        "Propose me one-to-one meetings with participants from across the Atlantic at "
        "workshops I attend (they see my name and organisation)",
    )


class Consent(models.Model):
    """One purpose a person agreed to, when and through what; withdrawing keeps the record."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE)
    purpose = models.CharField(max_length=20, choices=Purpose.choices)
    given = models.DateTimeField()
    withdrawn = models.DateTimeField(null=True, blank=True)
    source = models.CharField(max_length=40, help_text="public form, editor, import...")

    class Meta:
        ordering = ("person", "purpose", "-given", "pk")

    def __str__(self) -> str:
        return f"{self.get_purpose_display()} ({self.given:%Y-%m-%d})"

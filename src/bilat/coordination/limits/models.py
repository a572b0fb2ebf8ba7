"""The attempts counted by the brakes, kept in the coordination database so that every server
process (and every machine of a PostgreSQL deployment) counts against the same figure."""

from __future__ import annotations

from django.db import models


class Attempts(models.Model):
    """How many attempts were counted under `key` (a limit, and an address or a client) in
    the window that ends at `window_ends`."""

    key = models.CharField(max_length=400, primary_key=True)
    window_ends = models.DateTimeField(db_index=True)
    count = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name_plural = "attempts"

    def __str__(self) -> str:
        return f"{self.key}: {self.count} until {self.window_ends:%Y-%m-%d %H:%M}"

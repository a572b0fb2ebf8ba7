"""The change log: one row for every edit of the coordination data, by whom and when.

It records which fields changed, never their values: the log must not keep a copy of personal
data that an erasure has removed.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Change(models.Model):
    """One create, update, delete, erasure or status change of one object."""

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    action = models.CharField(max_length=20)
    model = models.CharField(max_length=60)
    object_id = models.CharField(max_length=40)
    fields = models.JSONField(default=list, blank=True)
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ("-at", "-id")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.model} {self.object_id}"

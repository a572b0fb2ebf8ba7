"""The meetings app adds a person's meetings to their data export when Django starts (the
directory, below it, cannot import it)."""

from __future__ import annotations

from django.apps import AppConfig


class MeetingsConfig(AppConfig):
    name = "bilat.coordination.meetings"
    label = "meetings"

    def ready(self) -> None:
        from bilat.coordination.meetings.operations import export_meetings
        from bilat.coordination.stakeholders.operations import EXPORT_SECTIONS

        EXPORT_SECTIONS["meetings"] = export_meetings

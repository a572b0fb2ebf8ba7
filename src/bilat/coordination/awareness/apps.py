"""The awareness app makes its log's reach follow the events' attendance when Django starts."""

from __future__ import annotations

from django.apps import AppConfig


class AwarenessConfig(AppConfig):
    name = "bilat.coordination.awareness"
    label = "awareness"

    def ready(self) -> None:
        from bilat.coordination.awareness.operations import follow_attendance
        from bilat.coordination.events import operations

        if follow_attendance not in operations.ATTENDANCE_FOLLOWERS:
            operations.ATTENDANCE_FOLLOWERS.append(follow_attendance)

"""The feedback app adds its chapter to the events' outcome report when Django starts."""

from __future__ import annotations

from django.apps import AppConfig


class FeedbackConfig(AppConfig):
    name = "bilat.coordination.feedback"
    label = "feedback"

    def ready(self) -> None:
        from bilat.coordination.events import report
        from bilat.coordination.feedback.report import chapter

        if chapter not in report.MORE_CHAPTERS:
            report.MORE_CHAPTERS.append(chapter)

"""The outcomes app adds its section to the events' outcome report when Django starts."""

from __future__ import annotations

from django.apps import AppConfig


class OutcomesConfig(AppConfig):
    name = "bilat.coordination.outcomes"
    label = "outcomes"

    def ready(self) -> None:
        from bilat.coordination.events import report
        from bilat.coordination.outcomes.report import chapter

        if chapter not in report.MORE_CHAPTERS:
            report.MORE_CHAPTERS.append(chapter)

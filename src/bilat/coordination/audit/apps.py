from __future__ import annotations

from django.apps import AppConfig
from django.db.models.signals import post_migrate


class AuditConfig(AppConfig):
    name = "bilat.coordination.audit"
    label = "audit"
    verbose_name = "Change log"

    def ready(self) -> None:
        from bilat.coordination.roles import ensure_editors_group

        post_migrate.connect(ensure_editors_group, dispatch_uid="bilat-editors-group")

from __future__ import annotations

from django.apps import AppConfig


class LimitsConfig(AppConfig):
    name = "bilat.coordination.limits"
    label = "limits"
    verbose_name = "Brakes on public forms"

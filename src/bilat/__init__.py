"""bilat: an open observatory and coordination platform for EU-US cooperation in research."""

from __future__ import annotations

__version__ = "0.1.0"

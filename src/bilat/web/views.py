"""Views: parse the request, call a service, render. No SQL here."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from bilat.cordis.layouts import USED_TABLES
from bilat.cordis.programme_parts import PROGRAMMES
from bilat.errors import WarehouseMissingError
from bilat.web.services import warehouse


def sources(request: HttpRequest) -> HttpResponse:
    """What is loaded: per programme, which CORDIS tables are there and which are missing."""
    store = warehouse()
    try:
        loaded = store.programme_tables()
        files = store.sources()
        counts = store.table_counts()
        quarantined = store.quarantine(limit=200)
    except WarehouseMissingError as error:
        return render(request, "web/sources.html", {"missing": str(error)}, status=503)
    programmes = []
    for code, title in PROGRAMMES.items():
        tables = {row["kind"]: row for row in loaded if row["programme"] == code}
        programmes.append(
            {
                "code": code,
                "title": title,
                "tables": [(label, tables.get(kind)) for kind, label in USED_TABLES.items()],
                "dashboard": tables.get("dashboard"),
            }
        )
    context = {
        "programmes": programmes,
        "files": files,
        "counts": counts,
        "quarantined": quarantined,
        "totals": {
            "read": sum(row["rows_read"] for row in files),
            "loaded": sum(row["rows_loaded"] for row in files),
            "quarantined": sum(row["rows_quarantined"] for row in files),
        },
    }
    return render(request, "web/sources.html", context)

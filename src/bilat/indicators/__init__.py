"""Indicators of a country's participation in FP7, Horizon 2020 and Horizon Europe.

Each indicator is a registered function of the warehouse and the shared parameters
(country, programme, years, programme part, scheme group, role, organisation type) that
returns an Arrow table whose metadata carries its definition::

    from bilat import indicators
    indicators.headline(warehouse, country="US", programme="HE")
    indicators.REGISTRY  # every indicator, with title, unit, definition and caveats
"""

from __future__ import annotations

from bilat.indicators.benchmark import peer_benchmark
from bilat.indicators.breakdowns import (
    by_field,
    by_funding_scheme,
    by_organisation_type,
    by_programme_part,
    by_role,
    by_scheme_group,
    by_signature_year,
    by_sme,
    by_start_year,
    by_state,
    by_subfield,
)
from bilat.indicators.collaboration import (
    partner_countries,
    partner_groups,
    partner_organisations,
)
from bilat.indicators.networks import country_network, organisation_network
from bilat.indicators.organisations import top_organisations
from bilat.indicators.participation import headline, series
from bilat.indicators.registry import REGISTRY, Indicator, Option, get

__all__ = [
    "REGISTRY",
    "Indicator",
    "Option",
    "by_field",
    "by_funding_scheme",
    "by_organisation_type",
    "by_programme_part",
    "by_role",
    "by_scheme_group",
    "by_signature_year",
    "by_sme",
    "by_start_year",
    "by_state",
    "by_subfield",
    "country_network",
    "get",
    "headline",
    "organisation_network",
    "partner_countries",
    "partner_groups",
    "partner_organisations",
    "peer_benchmark",
    "series",
    "top_organisations",
]

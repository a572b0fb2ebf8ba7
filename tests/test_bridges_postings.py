"""The per-key lists partner search sums (`postings`) give the sums over every participation."""

from __future__ import annotations

import numpy as np
import pytest

from bilat.bridges import evaluation
from bilat.bridges import evidence as records
from bilat.bridges.signals import project_weights, signals
from bilat.warehouse.store import Warehouse


def test_part_family_and_field_signals_match_a_pass_over_every_participation(
    bundled: Warehouse,
) -> None:
    """For the 2023 questions ranked from the record up to 2022, each of the six signals read
    from the lists equals the plain sum of the project weights over all participations."""
    record = records.load(bundled, until=2022)
    questions = evaluation.cases(bundled, since=2023)[::7]
    compared = 0
    for case in questions:
        found = signals(record, case.question)
        weights = project_weights(record, case.question)
        for name in ("part", "family", "fields"):
            plain = np.bincount(
                record.participation_org,
                weights=weights[name][record.participation_project],
                minlength=record.organisations,
            )
            led = np.bincount(
                record.coordinator_org,
                weights=weights[name][record.coordinator_project],
                minlength=record.organisations,
            )
            assert found[name] == pytest.approx(plain, abs=1e-9)
            assert found[f"{name}_coordinated"] == pytest.approx(led, abs=1e-9)
            compared += int(plain.any())
    assert compared >= 2 * len(questions)  # most questions have a part and a family or fields

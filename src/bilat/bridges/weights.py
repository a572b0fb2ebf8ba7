"""The weights the live suggestions use, one per signal and head.

Fitted by `bilat evaluate partners` (`evaluation.learn`) on the bundled Horizon Europe data:
record up to call year 2021, questions of 2022 with a US participant. A test fits them again
and compares, so these numbers cannot drift from the procedure the README describes.
"""

from __future__ import annotations

from bilat.bridges.ranking import Weights

# signal: (coordinator, participant)
_FITTED = {
    "part": (1.2704, 0.9655),
    "part_coordinated": (-0.8892, -0.6246),
    "family": (0.2795, 0.3534),
    "family_coordinated": (1.1022, 0.4376),
    "fields": (0.7094, 0.9336),
    "fields_coordinated": (-0.5374, -0.5146),
    "fields_in_part": (0.2818, -0.4706),
    "fields_in_part_coordinated": (0.0939, 0.2180),
    "words": (-0.7871, -0.1419),
    "words_coordinated": (-0.6785, -0.2672),
    "partners": (0.8103, 0.9845),
    "partners_of_partners": (-0.2558, -0.1530),
    "across": (-0.5776, -0.1988),
    "across_coordinated": (0.0582, -0.1656),
    "across_in_part": (-0.0413, -0.0350),
    "across_in_part_coordinated": (0.7828, 0.2000),
    "projects": (0.2108, 0.3244),
    "coordinated": (0.6016, -0.0309),
    "recent": (0.2108, 0.3244),
}

SHIPPED = Weights(
    coordinator=tuple(pair[0] for pair in _FITTED.values()),
    participant=tuple(pair[1] for pair in _FITTED.values()),
)

"""The weights the live suggestions use, one per signal and head.

Fitted by `bilat evaluate partners` (`evaluation.learn`) on the bundled data: record up to
call year 2021 (the Horizon Europe projects of 2021 and the Horizon 2020 record's projects that
started by 2021), questions of 2022 with a US participant. A test fits them again
and compares, so these numbers cannot drift from the procedure the README describes.
"""

from __future__ import annotations

from bilat.bridges.ranking import Weights

# signal: (coordinator, participant)
_FITTED = {
    "part": (0.3281, 0.2974),
    "part_coordinated": (0.0704, -0.0810),
    "family": (-0.3141, -0.2762),
    "family_coordinated": (0.7997, 0.2736),
    "fields": (0.0760, 0.3884),
    "fields_coordinated": (0.4437, 0.0855),
    "fields_in_part": (0.8929, 0.2014),
    "fields_in_part_coordinated": (-0.5460, 0.0281),
    "words": (-0.6715, 0.2266),
    "words_coordinated": (-0.0859, -0.0604),
    "partners": (0.6386, 0.8411),
    "partners_of_partners": (-0.0069, 0.0561),
    "across": (-0.1565, 0.0734),
    "across_coordinated": (0.1043, 0.0604),
    "across_in_part": (0.1801, 0.0506),
    "across_in_part_coordinated": (0.2479, -0.0500),
    "projects": (-0.1650, 0.1778),
    "coordinated": (-0.1673, -0.2826),
    "recent": (0.5086, -0.0489),
}

SHIPPED = Weights(
    coordinator=tuple(pair[0] for pair in _FITTED.values()),
    participant=tuple(pair[1] for pair in _FITTED.values()),
)

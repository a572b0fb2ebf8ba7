"""The weights the live suggestions use, one per signal and head.

Fitted by `bilat evaluate partners` (`evaluation.learn`) on the bundled Horizon Europe data:
record up to call year 2021, questions of 2022 with a US participant. A test fits them again
and compares, so these numbers cannot drift from the procedure the README describes.
"""

from __future__ import annotations

from bilat.bridges.ranking import Weights

# signal: (coordinator, participant)
_FITTED = {
    "part": (1.2333, 0.9532),
    "part_coordinated": (-0.8882, -0.6586),
    "family": (0.2810, 0.3502),
    "family_coordinated": (0.9307, 0.3833),
    "fields": (0.7707, 0.9343),
    "fields_coordinated": (-0.5222, -0.4758),
    "fields_in_part": (0.2503, -0.4631),
    "fields_in_part_coordinated": (-0.0593, 0.2402),
    "words": (-0.6388, -0.0925),
    "words_coordinated": (-0.4775, -0.1488),
    "partners": (0.9937, 0.9786),
    "partners_of_partners": (-0.2459, -0.1389),
    "across": (-0.5414, -0.1876),
    "across_coordinated": (0.0064, -0.1035),
    "across_in_part": (-0.1611, -0.0728),
    "across_in_part_coordinated": (0.8311, 0.1588),
    "projects": (0.1935, 0.3136),
    "coordinated": (0.6394, -0.0248),
    "recent": (0.1935, 0.3136),
}

SHIPPED = Weights(
    coordinator=tuple(pair[0] for pair in _FITTED.values()),
    participant=tuple(pair[1] for pair in _FITTED.values()),
)

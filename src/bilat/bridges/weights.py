"""The weights the live suggestions use, one per signal and head.

Fitted by `bilat evaluate partners` (`evaluation.learn`) on the bundled Horizon Europe data:
record up to call year 2021, questions of 2022 with a US participant. A test fits them again
and compares, so these numbers cannot drift from the procedure the README describes.
"""

from __future__ import annotations

from bilat.bridges.ranking import Weights

# signal: (coordinator, participant)
_FITTED = {
    "part": (0.3232, -0.2874),
    "part_coordinated": (-0.2699, 0.1147),
    "family": (-0.1223, 0.0567),
    "family_coordinated": (0.7092, 0.2324),
    "fields": (0.6564, 0.5434),
    "fields_coordinated": (-0.1606, 0.1159),
    "fields_in_part": (0.7884, 0.5397),
    "fields_in_part_coordinated": (-0.3388, -0.4170),
    "words": (-0.2979, 0.3545),
    "words_coordinated": (-0.2255, -0.0937),
    "partners": (0.8021, 1.0369),
    "partners_of_partners": (-0.2026, -0.1021),
    "across": (-0.3222, -0.0312),
    "across_coordinated": (0.0109, 0.0648),
    "across_in_part": (0.0625, 0.1178),
    "across_in_part_coordinated": (0.7647, 0.0518),
    "projects": (0.0231, 0.1920),
    "coordinated": (0.4553, -0.2587),
    "recent": (0.0231, 0.1920),
}

SHIPPED = Weights(
    coordinator=tuple(pair[0] for pair in _FITTED.values()),
    participant=tuple(pair[1] for pair in _FITTED.values()),
)

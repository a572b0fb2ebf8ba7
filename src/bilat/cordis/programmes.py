"""Telling which framework programme a file belongs to, from its content.

CORDIS publishes one dump per programme, but only some tables say which: `project.csv` has
`frameworkProgramme`, legal basis codes start with `FP7-`, `H2020-` or `HORIZON.`. The others
(`organization.csv`, `euroSciVoc.csv`) only have project IDs, and IDs of late H2020 and early
Horizon Europe grants interleave, so their programme comes from the projects they name: those
of the files loaded with them, or those already in the warehouse.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping

import pyarrow as pa
import pyarrow.compute as pc

from bilat.cordis.parsing import ParsedFile
from bilat.cordis.programme_parts import programme_of_code

REFERENCE_KINDS = frozenset({"fundingschemes", "countries", "euroscivoc_tree"})
ALL = "ALL"
# Tables of one programme by their layout alone: the reduced Horizon 2020 record.
RECORD_KINDS = frozenset({"record_participations", "record_parts"})
# Share of a file's decisive values that must agree before a programme is assigned to it.
AGREEMENT = 0.9

_FRAMEWORK = {"FP7": "FP7", "H2020": "H2020", "HORIZON": "HE", "HE": "HE"}


def column_values(parsed: ParsedFile, name: str) -> list[str]:
    """The distinct non-empty values of a column (named in lower case), if the file has it."""
    names = {column.lower(): column for column in parsed.table.column_names}
    if name not in names:
        return []
    return [value for value in pc.unique(parsed.table[names[name]]).to_pylist() if value]


def _vote(labels: Iterable[str | None]) -> str | None:
    counts = Counter(label for label in labels if label)
    if not counts:
        return None
    winner, votes = counts.most_common(1)[0]
    return winner if votes >= AGREEMENT * sum(counts.values()) else None


def from_content(parsed: ParsedFile) -> str | None:
    """The programme a file states itself, through a programme column or its codes."""
    kind = parsed.layout.kind
    if kind in REFERENCE_KINDS:
        return ALL
    if kind in RECORD_KINDS:
        return "H2020"
    if kind in ("project", "dashboard"):
        column = "framework_programme" if kind == "dashboard" else "frameworkprogramme"
        return _vote(
            _FRAMEWORK.get(value.strip().upper()) for value in column_values(parsed, column)
        )
    if kind == "legalbasis":
        return _vote(programme_of_code(code) for code in column_values(parsed, "legalbasis"))
    if kind == "programmes":
        return _vote(programme_of_code(code) for code in column_values(parsed, "code"))
    if kind == "topics":
        return _vote(programme_of_code(code) for code in column_values(parsed, "topic"))
    return None


def project_ids(parsed: ParsedFile) -> list[int]:
    """The distinct project IDs a file names (computed on whole columns: a full-scale
    organization table names some 35,000 projects)."""
    names = {column.lower(): column for column in parsed.table.column_names}
    for name in ("projectid", "id", "project_id", "reference"):
        if name not in names:
            continue
        given = pc.unique(parsed.table[names[name]])
        if not pc.any(pc.not_equal(given, "")).as_py():
            continue  # an empty column: the IDs may be in another
        values = pc.utf8_trim_whitespace(given)
        digits = pc.filter(values, pc.match_substring_regex(values, r"^\d+$"))
        return list(pc.unique(pc.cast(digits, pa.int64())).to_pylist())
    return []


def from_projects(parsed: ParsedFile, known: Mapping[int, str]) -> str | None:
    """The programme of the known projects a file names, when they agree."""
    return _vote(map(known.get, project_ids(parsed)))

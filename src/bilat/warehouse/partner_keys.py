"""The keys partner search indexes projects by: programme part, topic families, fields of
science with their ancestors, and the words of titles.

Pure functions of a CORDIS string, used on both sides of the index: at ingest to index every
project (`partner_index`), and at question time to read a question's keys the same way.
"""

from __future__ import annotations

import re
from functools import cache

# Words that say nothing about a theme: programme boilerplate and English glue.
STOPWORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "as",
        "at",
        "be",
        "by",
        "for",
        "from",
        "in",
        "into",
        "its",
        "of",
        "on",
        "or",
        "the",
        "their",
        "to",
        "towards",
        "with",
        "within",
        "using",
        "based",
        "new",
        "through",
        "under",
        "via",
        "not",
        "all",
        "other",
        "its",
        "horizon",
        "call",
        "calls",
        "topic",
        "ria",
        "csa",
        "ia",
        "action",
        "actions",
        "programme",
        "programmes",
        "support",
        "european",
        "europe",
        "eu",
    ]
)
_WORD = re.compile(r"[^\W\d_][\w-]*[^\W_]|[^\W\d_]", re.UNICODE)
_YEAR_STEP = re.compile(r"^(19|20)\d\d$")


@cache
def words(text: str | None) -> frozenset[str]:
    """The meaningful lower-case words of a title or query (three letters or more).

    Remembered: the same titles and field names recur over thousands of projects."""
    if not text:
        return frozenset()
    found = {w.lower().strip("-") for w in _WORD.findall(text)}
    return frozenset(w for w in found if len(w) >= 3 and w not in STOPWORDS)


def topic_families(topic: str | None) -> list[str]:
    """The families a topic code belongs to, broadest first, with the call year dropped.

    `HORIZON-CL5-2023-D3-01-01` belongs to `HORIZON-CL5`, `HORIZON-CL5-D3`, `HORIZON-CL5-D3-01`
    and `HORIZON-CL5-D3-01-01`: the same destination recurs from one work programme to the
    next under a new year, so the year must not separate them.
    """
    if not topic:
        return []
    steps = [
        step.upper() for step in topic.strip().split("-") if step and not _YEAR_STEP.match(step)
    ]
    return ["-".join(steps[:depth]) for depth in range(2, len(steps) + 1)] or (
        [steps[0]] if steps else []
    )


@cache
def field_paths(path: str) -> tuple[str, ...]:
    """A EuroSciVoc path and its ancestors: `/a/b/c` → `/a`, `/a/b`, `/a/b/c` (remembered)."""
    steps = [step for step in path.split("/") if step]
    return tuple("/" + "/".join(steps[:depth]) for depth in range(1, len(steps) + 1))

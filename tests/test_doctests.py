"""The examples in the docstrings are true."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = [
    "bilat.cordis.recovery",
    "bilat.cordis.roles",
    "bilat.cordis.schemes",
    "bilat.cordis.geography",
    "bilat.formatting",
    "bilat.exports",
    "bilat.cordis.programme_parts",
    "bilat.cli.serving",
]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name: str) -> None:
    result = doctest.testmod(importlib.import_module(name))
    assert result.attempted > 0
    assert result.failed == 0

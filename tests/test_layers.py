"""Layers point one way. The allowed order is declared here once, for bilat's packages and for
the coordination apps; every import in the source (inside functions too, read with `ast`)
is checked against it, and only the warehouse may import duckdb."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src"

# bilat's packages and top-level modules, lowest first. A unit may import units of lower
# layers and itself; never a unit of its own layer or of a higher one.
PACKAGES: tuple[tuple[str, ...], ...] = (
    ("errors", "config", "exports", "synthetic", "uploads"),
    ("cordis", "downloads"),
    ("warehouse", "formatting"),
    ("indicators", "serving"),
    ("records", "charts", "bridges"),
    ("reports",),
    ("web", "coordination"),
    ("site",),
    ("cli",),
)
# Inside `bilat.coordination`: the shared modules below the apps, the apps in their stack,
# and what reads every app (the API's router, the example data) on top.
COORDINATION: tuple[tuple[str, ...], ...] = (
    ("vocabulary", "roles", "filtering", "mail", "limits"),
    ("countries", "reporting"),
    ("audit",),
    ("stakeholders",),
    ("events",),
    ("desk", "meetings", "feedback"),
    ("outcomes",),
    ("recommendations",),
    ("awareness",),
    ("api", "demo", "backup"),
)


def modules() -> Iterator[tuple[str, Path]]:
    for path in sorted((SRC / "bilat").rglob("*.py")):
        if "migrations" in path.parts:
            continue
        parts = list(path.relative_to(SRC).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        yield ".".join(parts), path


def _is_module(name: str) -> bool:
    path = SRC.joinpath(*name.split("."))
    return path.with_suffix(".py").exists() or (path / "__init__.py").exists()


def imported(module: str, path: Path) -> Iterator[str]:
    """Every module `module` imports, at any depth of its code (functions included)."""
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            for alias in node.names:
                full = f"{base}.{alias.name}"
                yield full if _is_module(full) else base


def unit(module: str, depth: int) -> str | None:
    parts = module.split(".")
    return parts[depth] if len(parts) > depth else None


def layer_of(declared: tuple[tuple[str, ...], ...]) -> dict[str, int]:
    return {name: i for i, names in enumerate(declared) for name in names}


def against(declared: tuple[tuple[str, ...], ...], depth: int, prefix: str) -> set[tuple[str, str]]:
    """(importer, imported unit) pairs that break the declared order, among modules under
    `prefix` and units found at `depth` of their dotted name."""
    layers = layer_of(declared)
    broken = set()
    for module, path in modules():
        if not module.startswith(prefix + ".") or unit(module, depth) is None:
            continue
        own = unit(module, depth)
        assert own in layers, f"{module}: {own!r} is not declared in the layers"
        for name in imported(module, path):
            if not name.startswith(prefix + "."):
                continue
            other = unit(name, depth)
            if other is None or other == own:
                continue
            assert other in layers, f"{module} imports {name}: {other!r} is not declared"
            if layers[other] >= layers[own]:
                broken.add((module, other))
    return broken


def test_no_package_imports_a_package_of_its_own_layer_or_above():
    assert against(PACKAGES, 1, "bilat") == set()


def test_coordination_apps_form_a_stack():
    assert against(COORDINATION, 2, "bilat.coordination") == set()


def test_only_the_warehouse_imports_duckdb():
    found = {
        module
        for module, path in modules()
        for name in imported(module, path)
        if name.split(".")[0] == "duckdb"
    }
    assert found and all(m.startswith("bilat.warehouse") for m in found), sorted(found)


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("def f():\n    from bilat.coordination.events import views\n", "events"),
        ("import bilat.coordination.recommendations.models\n", "recommendations"),
        ("from bilat.coordination import awareness\n", "awareness"),
    ],
)
def test_the_check_sees_imports_anywhere_in_a_module(tmp_path, monkeypatch, source, expected):
    """An upward import written inside a function of the directory is caught."""
    fake = SRC / "bilat" / "coordination" / "stakeholders" / "views.py"
    original = Path.read_text

    def read(path: Path, *args, **kwargs) -> str:
        text = original(path, *args, **kwargs)
        return text + "\n" + source if path == fake else text

    monkeypatch.setattr(Path, "read_text", read)
    assert ("bilat.coordination.stakeholders.views", expected) in against(
        COORDINATION, 2, "bilat.coordination"
    )

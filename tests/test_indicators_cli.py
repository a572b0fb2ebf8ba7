"""`bilat indicators`: the listing, each output format, and the README reference."""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal
from pathlib import Path

from click.testing import CliRunner
from python_calamine import CalamineWorkbook

from bilat import exports, indicators
from bilat.cli import indicators_command, main
from bilat.warehouse.store import Warehouse

from conftest import ROOT


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["indicators", *args])
    return result.exit_code, result.output


def test_listing_names_every_indicator() -> None:
    code, output = run()
    assert code == 0
    for name in indicators.REGISTRY:
        assert name in output


def test_csv_output_holds_the_indicator_rows(bundled_path: Path, bundled: Warehouse) -> None:
    code, output = run(
        "by_role", "--country", "US", "--format", "csv", "--warehouse", str(bundled_path)
    )
    assert code == 0, output
    found = list(csv.DictReader(io.StringIO(output)))
    expected = indicators.by_role(bundled).to_pylist()
    assert [row["role"] for row in found] == [row["role"] for row in expected]
    assert [int(row["participations"]) for row in found] == [745, 104, 17]
    # The associated partners' amount is empty in the CSV (CORDIS records none), not 0.
    assert found[0]["ec_contribution"] == ""
    amounts = [Decimal(row["ec_contribution"]) if row["ec_contribution"] else None for row in found]
    assert amounts == [row["ec_contribution"] for row in expected]


def test_json_output_carries_the_definition(bundled_path: Path) -> None:
    code, output = run(
        "headline", "--programme", "HE", "--format", "json", "--warehouse", str(bundled_path)
    )
    assert code == 0, output
    document = json.loads(output)
    assert document["about"]["definition"] == indicators.headline.definition
    assert document["about"]["caveats"] == list(indicators.headline.caveats)
    assert document["about"]["country"] == "United States"
    assert document["rows"][0]["ec_contribution"] == 52761214.82


def test_xlsx_output_has_the_rows_and_an_about_sheet(
    bundled_path: Path, tmp_path: Path, bundled: Warehouse
) -> None:
    target = tmp_path / "top.xlsx"
    code, output = run(
        "top_organisations",
        "--limit",
        "5",
        "--order",
        "ec_contribution",
        "--format",
        "xlsx",
        "-o",
        str(target),
        "--warehouse",
        str(bundled_path),
    )
    assert code == 0, output
    book = CalamineWorkbook.from_path(str(target))
    assert book.sheet_names == ["top_organisations", "About"]
    rows = book.get_sheet_by_name("top_organisations").to_python()
    expected = indicators.top_organisations(bundled, limit=5, order="ec_contribution")
    assert [row[1] for row in rows[1:]] == expected.column("pic").to_pylist()
    about = dict((row[0], row[1]) for row in book.get_sheet_by_name("About").to_python() if row[0])
    assert about["definition"] == indicators.top_organisations.definition
    assert about["attribution"] == exports.ATTRIBUTION


def test_table_output_and_errors(bundled_path: Path) -> None:
    code, output = run("by_state", "--warehouse", str(bundled_path))
    assert code == 0
    assert "California" in output and "US participations by state" in output
    # Figures read as on the pages and in the reports (formatting.figure): the amount of the
    # JSON test above, in euros; counts with separators; a PIC without.
    code, output = run("headline", "--programme", "HE", "--warehouse", str(bundled_path))
    assert code == 0 and "€52,761,215" in output and "52761214" not in output
    code, output = run("top_organisations", "--limit", "1", "--warehouse", str(bundled_path))
    assert code == 0 and " 999467340 " in output
    code, output = run("by_state", "--country", "Mars", "--warehouse", str(bundled_path))
    assert code == 1
    assert "Error: country: 'Mars' is not a known country" in output
    code, output = run("headline", "--format", "xlsx", "--warehouse", str(bundled_path))
    assert code == 2
    assert "--format xlsx writes a file: add --output FILE.xlsx" in output


def test_every_indicator_option_is_a_cli_flag() -> None:
    flags = {param.name for param in indicators_command.params}
    for item in indicators.REGISTRY.values():
        for option in item.options:
            assert option.name in flags, f"{item.name} option {option.name} has no CLI flag"


def test_readme_documents_every_indicator() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    start = readme.index("<!-- indicators:start -->\n") + len("<!-- indicators:start -->\n")
    end = readme.index("<!-- indicators:end -->")
    assert readme[start:end] == indicators.registry.markdown(), (
        "README's indicator reference is out of date: paste `bilat indicators --markdown`"
    )
    for item in indicators.REGISTRY.values():
        assert item.title and item.unit and item.definition.endswith(".") and item.caveats


def test_parquet_output_is_written_to_a_file(
    bundled_path: Path, tmp_path: Path, bundled: Warehouse
) -> None:
    import pyarrow.parquet as pq

    target = tmp_path / "roles.parquet"
    code, output = run(
        "by_role", "--format", "parquet", "-o", str(target), "--warehouse", str(bundled_path)
    )
    assert code == 0, output
    found = pq.read_table(target)
    assert found.column("participations").to_pylist() == [745, 104, 17]
    assert found.schema.metadata[b"indicator"] == b"by_role"
    code, output = run("by_role", "--format", "parquet", "--warehouse", str(bundled_path))
    assert code == 2 and "add --output FILE.parquet" in output

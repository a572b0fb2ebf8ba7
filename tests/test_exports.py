"""Downloads never attack the people who open them: a text that a spreadsheet would evaluate
(`=HYPERLINK(...)`) is neutralised in CSV and written as a text cell in XLSX, through every
writer (the CLI, the observatory's downloads, the coordination lists); numbers stay numbers."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pyarrow as pa
import pytest
from click.testing import CliRunner
from django.test import Client
from python_calamine import CalamineWorkbook

from bilat import exports, indicators
from bilat.cli import main
from bilat.warehouse.ingest import ingest
from bilat.warehouse.store import Warehouse
from bilat.web.profile import PARTS

from conftest import TESTDATA, serving
from factories import make_editor, make_event, make_person

EVIL = '=HYPERLINK("http://evil.example","x")'
# The first cell of each kind that a spreadsheet reads as a formula, or as the start of one.
LIVE = [EVIL, "+1+1", "-1+1", "@SUM(A1:A2)", "\t=1+1", "\r=1+1"]


def csv_cells(data: bytes) -> list[str]:
    return [cell for row in csv.reader(io.StringIO(data.decode("utf-8"))) for cell in row]


def xlsx_cells(data: bytes) -> list[object]:
    book = CalamineWorkbook.from_filelike(io.BytesIO(data))
    return [
        cell
        for name in book.sheet_names
        for row in book.get_sheet_by_name(name).to_python()
        for cell in row
    ]


def xlsx_formulas(data: bytes) -> list[str]:
    """The formulas held by any sheet of a workbook (an `<f>` element of its XML)."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        sheets = [n for n in archive.namelist() if n.startswith("xl/worksheets/")]
        return [f for n in sheets for f in re.findall(r"<f>(.*?)</f>", archive.read(n).decode())]


def assert_neutral(data: bytes, fmt: str, value: str = EVIL) -> None:
    """`value` is in the download, as inert text."""
    if fmt == "csv":
        cells = csv_cells(data)
        assert "'" + value in cells
        assert value not in cells
    else:
        assert value in xlsx_cells(data)
        assert xlsx_formulas(data) == []


def test_text_a_spreadsheet_would_evaluate_is_neutralised_and_numbers_stay_numbers() -> None:
    table = pa.table(
        {
            "name": [*LIVE, "plain", "O'Neil", None],
            "count": [-3, 0, 1, 2, 3, 4, 5, 6, 7],
            "amount": [Decimal("-12.50"), *[Decimal(1)] * 7, None],
            "share": [-0.25, *[0.5] * 7, None],
        }
    )
    cells = list(csv.reader(io.StringIO(exports.to_csv(table).decode("utf-8"))))
    assert [row[0] for row in cells[1:]] == ["'" + v for v in LIVE] + ["plain", "O'Neil", ""]
    assert cells[1][1:] == ["-3", "-12.50", "-0.25"]
    book = CalamineWorkbook.from_filelike(io.BytesIO(exports.to_xlsx({"t": table})))
    rows = book.get_sheet_by_name("t").to_python()
    assert [row[0] for row in rows[1:]] == [*LIVE, "plain", "O'Neil", ""]
    assert rows[1][1:] == [-3, -12.5, -0.25]
    assert xlsx_formulas(exports.to_xlsx({"t": table})) == []


@pytest.fixture(scope="module")
def evil_warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The real quirks extract with one US organisation renamed to a formula."""
    folder = tmp_path_factory.mktemp("evil")
    source = (TESTDATA / "organization-quirks.csv").read_text(encoding="utf-8")
    rows = list(csv.reader(io.StringIO(source, newline=""), delimiter=";"))
    name = rows[0].index("name")
    assert rows[1][rows[0].index("country")] == "US"
    rows[1][name] = EVIL
    target = folder / "organization.csv"
    with target.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, delimiter=";", lineterminator="\n").writerows(rows)
    path = folder / "warehouse.duckdb"
    ingest([target], warehouse=path, programme="HE")
    return path


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_cli_writes_an_organisation_named_as_a_formula_as_text(
    evil_warehouse: Path, tmp_path: Path, fmt: str
) -> None:
    target = tmp_path / f"top.{fmt}"
    result = CliRunner().invoke(
        main,
        [
            "indicators",
            "top_organisations",
            "--format",
            fmt,
            "-o",
            str(target),
            "--warehouse",
            str(evil_warehouse),
        ],
    )
    assert result.exit_code == 0, result.output
    assert_neutral(target.read_bytes(), fmt)


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize(
    "url",
    [
        "/export/top_organisations.{fmt}?country=US",
        "/explore/participations.{fmt}?country=US",
    ],
)
def test_the_observatory_downloads_an_organisation_named_as_a_formula_as_text(
    evil_warehouse: Path, url: str, fmt: str
) -> None:
    with serving(evil_warehouse):
        response = Client().get(url.format(fmt=fmt))
        # An explore page's CSV is streamed: its pieces are read while the warehouse is served.
        content = b"".join(response.streaming_content) if response.streaming else response.content
    assert response.status_code == 200
    assert_neutral(content, fmt)


@pytest.mark.coordination
@pytest.mark.django_db
def test_the_coordination_lists_write_an_organisation_named_as_a_formula_as_text() -> None:
    from bilat.coordination.events.operations import register
    from bilat.coordination.recommendations.models import Recommendation
    from bilat.coordination.recommendations.operations import create_recommendation

    event = make_event()
    person = make_person("ada@example.org", organisation=EVIL, consents=("registration",))
    register(None, event, person, source="test")
    create_recommendation(
        None,
        Recommendation(title=EVIL, text="-1+1", barrier="data", addressee="both", owner="@wg"),
    )
    editor = Client()
    editor.force_login(make_editor())
    for url in (f"/coordination/events/{event.slug}/registrations.csv", "/coordination/people.csv"):
        response = editor.get(url)
        assert response.status_code == 200
        assert_neutral(response.content, "csv")
    for fmt in ("csv", "xlsx"):
        response = Client().get(f"/recommendations.{fmt}")
        assert response.status_code == 200
        for value in (EVIL, "-1+1", "@wg"):
            assert_neutral(response.content, fmt, value)


def test_the_report_workbook_writes_an_organisation_named_as_a_formula_as_text(
    evil_warehouse: Path,
) -> None:
    with serving(evil_warehouse):
        response = Client().get("/report/us-participation.xlsx?country=US")
    assert response.status_code == 200
    assert_neutral(response.content, "xlsx")


def _records_value_by_value(table: pa.Table) -> list[dict[str, object]]:
    """What `records` gives, computed the plain way: `plain` of every value of every row."""
    return [{k: exports.plain(v) for k, v in row.items()} for row in table.to_pylist()]


def test_records_by_column_as_value_by_value(three_programmes: Warehouse) -> None:
    """`records` converts column by column: the same rows, value for value and type for type,
    as `plain` on every value, for every table the country profile draws and odd types."""
    tables = [
        indicators.get(part.name)(three_programmes, country=country, **part.options)
        for part in PARTS
        for country in ("US", "EU")
        if country == "US" or not part.us_only
    ]
    tables.append(
        pa.table(
            {
                "day": pa.array([date(2024, 1, 2), None], pa.date32()),
                "at": pa.array([datetime(2024, 1, 2, 3, 4, 5), None], pa.timestamp("us")),
                "amount": pa.array([Decimal("866.00"), Decimal("0.25")], pa.decimal128(38, 2)),
                "share": pa.array([866.0, float("nan")], pa.float64()),
                "count": pa.array([None, 3], pa.int64()),
                "names": pa.array([["a"], None], pa.list_(pa.string())),
            }
        )
    )
    tables.append(pa.table({"a": [1, 2]}).drop_columns(["a"]))
    for table in tables:
        found, expected = exports.records(table), _records_value_by_value(table)
        # Compared by type and repr: NaN is not equal to itself.
        assert [[(k, type(v), repr(v)) for k, v in row.items()] for row in found] == [
            [(k, type(v), repr(v)) for k, v in row.items()] for row in expected
        ]
    assert sum(table.num_rows for table in tables) > 100  # real rows were compared

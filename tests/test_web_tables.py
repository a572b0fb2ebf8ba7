"""The HTML of an observatory table: every text, link and original CORDIS spelling escaped,
since names and titles come from the files a user loads."""

from __future__ import annotations

import pyarrow as pa

from bilat.web.tables import grid

HOSTILE = "Acme <script>alert(1)</script> & \"Sons\" 'Ltd'"


def test_a_tables_cells_are_escaped() -> None:
    table = pa.table({"pic": [999999999], "name": [HOSTILE], "participations": [3]})
    html = str(grid(table).html())
    assert "<script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;Sons&quot; &#x27;Ltd&#x27;" in html
    assert '<a href="/organisation/999999999/">' in html
    assert '<td class="num">3</td>' in html

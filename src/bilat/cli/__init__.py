"""The `bilat` command: builds the library objects and calls them; no SQL here.

`group` holds the `bilat` and `bilat report` groups with the error mapping and progress
displays, `options` the options several commands share (the observatory filters among them),
`observatory` the commands on CORDIS data, `coordination` those on the coordination data,
`serving` the web server and settings, `partners` partner search and its evaluation.
Importing the modules registers their commands.
"""

from __future__ import annotations

from bilat.cli import coordination, observatory, partners, serving
from bilat.cli.group import main
from bilat.cli.observatory import indicators_command

__all__ = ["coordination", "indicators_command", "main", "observatory", "partners", "serving"]

"""`python -m bilat.cli`: the same as the `bilat` command."""

from __future__ import annotations

import sys

from bilat.cli import main

sys.exit(main())

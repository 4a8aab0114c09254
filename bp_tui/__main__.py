"""``python -m bp_tui`` does what the ``bp-tui`` command does."""

from bp_tui.cli import main

raise SystemExit(main())

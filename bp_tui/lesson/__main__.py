"""``python -m bp_tui.lesson [FILE] [--check]``: write (or check) the lesson JSON Schema."""

import sys

from bp_tui.lesson.schema import main

sys.exit(main())

"""bp-tui: backpropagation, every number of it."""

__version__ = "0.1.0"

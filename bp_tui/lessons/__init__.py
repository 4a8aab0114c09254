"""The lessons shipped with bp-tui (``lessons/`` at the top of the repository links here).

They live inside the package so that a plain ``pip install .`` installs them and
`bp-tui list` finds them from any folder.
"""

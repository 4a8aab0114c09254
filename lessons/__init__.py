"""The lessons shipped with bp-tui.

This file makes the folder a package, so that `pip install .` puts the lessons inside
``bp_tui`` (as ``bp_tui.lessons``) and `bp-tui list` finds them from any folder.
"""

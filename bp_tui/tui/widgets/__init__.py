"""The lesson screen's panels; each displays a :class:`~bp_tui.tui.view.View`."""

"""bp-tui's benchmarks: `python -m benchmarks` (see the README's Performance section).

Every figure is a ratio against a baseline measured in the same run, because these
machines are shared and noisy: a bare Textual app for start-up, step latency and memory,
PyTorch autograd and bare matrix multiplications for training.
"""

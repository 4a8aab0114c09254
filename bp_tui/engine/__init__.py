"""The backpropagation engine: plain numpy, float64, in the lecture's notation.

This package is headless: it imports neither Textual nor YAML, and a test proves it.
Everything bp-tui shows is computed here once and kept in a :class:`Trace`.
"""

from bp_tui.engine.activations import ACTIVATIONS, Activation, sigmoid, softmax
from bp_tui.engine.losses import LOSSES, Loss
from bp_tui.engine.network import BiasMode, Network, default_labels
from bp_tui.engine.trace import (
    DeltaStep,
    ForwardStep,
    GradientStep,
    InputStep,
    LossStep,
    Phase,
    Step,
    Trace,
    UpdateStep,
    trace_iteration,
)
from bp_tui.engine.training import (
    Divergence,
    Mode,
    Schedule,
    TrainingResult,
    trace_at,
    train,
)

__all__ = [
    "ACTIVATIONS",
    "LOSSES",
    "Activation",
    "BiasMode",
    "DeltaStep",
    "Divergence",
    "ForwardStep",
    "GradientStep",
    "InputStep",
    "Loss",
    "LossStep",
    "Mode",
    "Network",
    "Phase",
    "Schedule",
    "Step",
    "Trace",
    "TrainingResult",
    "UpdateStep",
    "default_labels",
    "sigmoid",
    "softmax",
    "trace_at",
    "trace_iteration",
    "train",
]

"""Every word a person reads, in one catalogue per language.

Widgets, the CLI and the reports ask for words by key; they never spell them out.
The lecture is Chinese, so a Chinese catalogue is a new dict here, not a hunt through
every file. ``BP_TUI_LANG`` picks the catalogue (English when unset or unknown).
"""

from __future__ import annotations

import os

ENGLISH: dict[str, str] = {
    # phases of one training iteration
    "phase.input": "Input",
    "phase.forward": "Forward",
    "phase.loss": "Error",
    "phase.delta": "Backward",
    "phase.gradient": "Gradient",
    "phase.update": "Update",
    # what each step computes, with {layer} its letter and {below} the layer under it
    "step.input": "the sample enters layer {layer}: O = the input",
    "step.forward": "x and O of layer {layer}",
    "step.loss": "the error E of the output layer {layer}",
    "step.delta": "δ of layer {layer}",
    "step.gradient": "∂E/∂W of the weights {below} → {layer}",
    "step.update": "update of the weights {below} → {layer}",
    "step.position": "step {index} of {count}",
    # the lesson and its network
    "lesson.network": "Network",
    "lesson.layers": "layers",
    "lesson.activation": "activation",
    "lesson.loss": "loss",
    "lesson.bias": "biases",
    "lesson.learning_rate": "learning rate η",
    "lesson.mode": "training mode",
    "lesson.mode.sample": "sample (update after each sample)",
    "lesson.mode.batch": "batch (mean gradient over {size} samples)",
    "lesson.samples": "samples",
    "lesson.sample": "Sample {index}",
    "lesson.batch": "Batch of samples {indices}",
    "lesson.input": "input",
    "lesson.target": "target t",
    "lesson.initial": "initial weights",
    # the worked example (bp-tui run)
    "report.iteration": "The first training iteration",
    "report.training": "Training for {epochs} epochs",
    "report.no_training": "No training: the lesson sets 0 epochs (use --epochs N).",
    "report.loss_history": "Loss per epoch (the mean E of the epoch's samples)",
    "report.epoch": "epoch",
    "report.final_weights": "Weights after training",
    "report.rows_cols": "rows {rows}, columns {cols}",
    "report.final_loss": "final loss {loss}",
    "report.diverged": "Training stopped: {message}",
    "report.bias_not_trained": "biases are {mode}: b is not updated",
    # bp-tui check and list
    "check.ok": "{path}: ok ({title})",
    "check.expect_failed": (
        "{path}: expect.final_loss_below: the loss after {epochs} epochs is {loss}, "
        "not below {goal} (raise training.epochs or η, or the goal)"
    ),
    "list.header": "Shipped lessons (run one with `bp-tui run NAME`):",
    "cli.no_lesson": "no lesson named '{name}': give a path to a .yaml file or one of: {names}",
}

CATALOGUES: dict[str, dict[str, str]] = {"en": ENGLISH}


def _catalogue() -> dict[str, str]:
    return CATALOGUES.get(os.environ.get("BP_TUI_LANG", "en"), ENGLISH)


def word(key: str, **fields: object) -> str:
    """The words for ``key`` in the current language, with ``fields`` filled in.

    A key missing from a translation falls back to English, so a partial catalogue works.
    """
    text = _catalogue().get(key) or ENGLISH[key]
    return text.format(**fields) if fields else text

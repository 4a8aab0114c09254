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
    "lesson.initial": "Initial weights",
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
    "list.header": "Shipped lessons (run one with `bp-tui run NAME`):",
    "cli.no_lesson": "no lesson named '{name}': give a path to a .yaml file or one of: {names}",
    # the app: key bindings as the Footer shows them
    "key.next": "Next",
    "key.previous": "Back",
    "key.first": "First step",
    "key.last": "Last step",
    "key.train": "Train",
    "key.cancel": "Stop training",
    "key.sample": "Next sample",
    "key.reset": "Reset",
    "key.lessons": "Lessons",
    "key.help": "Help",
    "key.quit": "Quit",
    "key.open": "Open",
    "key.back": "Back",
    "key.close": "Close",
    "key.leave": "Leave the table",
    # the app: panels and messages
    "tui.picker.title": "Choose a lesson",
    "tui.picker.invalid": "cannot be opened:",
    "tui.picker.hint": "↑ ↓ choose · enter open",
    "tui.iteration": "Iteration {iteration}",
    "tui.sample_of": "sample {index} of {count}",
    "tui.batch_of": "batch of samples {first}–{last}, showing sample {index}",
    "tui.selected": "Selected",
    "tui.formulas.more": "… {count} more: select a number in the tables to see its formula",
    "tui.select_hint": "tab: select a number in the tables to see its formula",
    "tui.network": "Network",
    "tui.step": "Step",
    "tui.deltas": "δ of each layer",
    "tui.delta.node": "node",
    "tui.delta.f_prime": "f'(x)",
    "tui.delta.from_above": "Σ δW | O − t",
    "tui.deltas.empty": "No δ yet: the backward pass starts after the error E.",
    "tui.matrix.more": "showing {rows} of {total_rows} rows, {cols} of {total_cols} columns",
    "tui.loss": "Loss per epoch",
    "tui.loss.empty": "Press t to train {epochs} epochs: the loss of each epoch is drawn here.",
    "tui.loss.xlabel": "epoch",
    "tui.loss.ylabel.log": "E (log scale)",
    "tui.training": "Training: epoch {epoch} of {epochs}",
    "tui.trained": "after {epochs} epochs: loss {loss}",
    "tui.cancelled": "stopped after {epochs} epochs: loss {loss}",
    "tui.diverged": "diverged in epoch {epoch}: E is no longer finite (η too large?)",
    "tui.reset": "Back to the lesson's initial weights.",
    "tui.error.title": "This lesson cannot be opened",
    "tui.error.hint": "Fix the file and open it again. escape: back to the lessons",
    "tui.too_small": "Make the terminal larger: bp-tui needs {width}×{height} (now {now}).",
    "tui.help.title": "Help",
    # the classic mistakes, side by side
    "key.mistakes": "Mistakes",
    "key.gradcheck": "Gradient check",
    "key.more_digits": "More digits",
    "key.fewer_digits": "Fewer digits",
    "mistakes.title": "The classic mistakes: this iteration done right, and done wrong four ways",
    "mistakes.quantity": "",
    "mistakes.E_before": "E before the update",
    "mistakes.E_after": "E after one update",
    "mistakes.correct": "correct",
    "mistakes.update_early": "W updated early",
    "mistakes.no_derivative": "no f'(x) in δ",
    "mistakes.sign_flipped": "(t − O) for (O − t)",
    "mistakes.biases_flipped.trained": "biases trained",
    "mistakes.biases_flipped.fixed": "biases fixed",
    "mistakes.why.update_early": "W updated early: δ_j = O_j(1 − O_j) Σ_k δ_k W_jk needs the W_jk the forward pass used; updating W_jk before computing δ_j differentiates a network that never produced this E (the error after one step moves in the 6th or 7th digit, easy to miss).",
    "mistakes.why.no_derivative": "No f'(x) in δ: without O(1 − O) the chain rule loses the sigmoid's own slope, so δ is no longer ∂E/∂x and the step is not the steepest way down E (that E may still fall, by luck, does not make it the gradient).",
    "mistakes.why.sign_flipped": "(t − O) for (O − t): the gradient then points uphill, and W ← W − η ∂E/∂W raises E at every step; flip the sign in one place only, never in the error and the update both.",
    "mistakes.why.biases_flipped": "Biases: a bias is a weight from a node whose output is always 1, so ∂E/∂b_j = δ_j; training it or keeping it fixed changes what the step can fix, not the derivation.",
    "mistakes.changed": "values that differ from the correct ones are marked",
    "gradcheck.on": "gradient check on: backprop ≈ central difference (relative error)",
    "gradcheck.line": "{symbol}: backprop {exact}, central difference {numeric}, relative error {error}",
    "gradcheck.selected": "select a cell of ∂E/∂W to compare it with the central difference",
    # predict, then reveal: the quiz (bp_tui/quiz.py, bp_tui/tui/screens/quiz.py)
    "key.quiz": "Quiz",
    "quiz.key.next": "Next question",
    "quiz.key.score": "Score",
    "quiz.key.skip": "Skip",
    "quiz.key.again": "Again",
    "quiz.key.leave": "Leave the quiz",
    "quiz.command.help": "Predict each δ, ∂E/∂W and updated weight of this iteration before it is revealed",
    "quiz.title": "Predict, then reveal · iteration {iteration}",
    "quiz.tolerance": "right within {percent}% of the value",
    "quiz.question": "question {index} of {count}",
    "quiz.capped": "(this step has {count}: the quiz asks about the first {asked})",
    "quiz.known": "Known by now:",
    "quiz.given.more": "… and {count} more lines like these",
    "quiz.ask": "{prompt} = ?",
    "quiz.prompt.update": "{w} after the update",
    "quiz.of_sample": "{name} (sample {index})",
    "quiz.placeholder": "type its value ({digits} significant digits), then enter · tab skips",
    "quiz.right": "✓ Right: {typed}",
    "quiz.wrong": "✗ Wrong: you typed {typed}, the value is {value}",
    "quiz.skipped": "– Skipped: the value is {value}",
    "quiz.not_a_number": "“{text}” is not a number: type a decimal number such as 0.1385, -3.8e-2 or −0.038",
    "quiz.next": "enter or n: the next question",
    "quiz.to_score": "enter or n: your score",
    "quiz.tally": "✓ {right} right   ✗ {wrong} wrong   – {skipped} skipped   · {left} to go",
    "quiz.why.sign_flipped": "looks like the sign of (O_{k} − t_{k}) is flipped: (t_{k} − O_{k}) turns δ and ∂E/∂W around",
    "quiz.why.no_derivative": "the activation's derivative {derivative} is missing from δ_{layer}",
    "quiz.why.update_early": "looks like W_{layer}{above} was updated before δ_{layer} was computed: δ_{layer} needs the W_{layer}{above} the forward pass used",
    "quiz.why.uphill": "the update went uphill: W + η ∂E/∂W instead of W − η ∂E/∂W",
    "quiz.why.no_eta": "η is missing: W − ∂E/∂W instead of W − η ∂E/∂W (η = {eta})",
    "quiz.why.change_only": "that is only the change −η ∂E/∂W: the new weight is W − η ∂E/∂W",
    "quiz.why.old_weight": "that is W before the update: the new weight is W − η ∂E/∂W",
    "quiz.why.wrong_o": "∂E/∂{w} = {oi} {delta} takes O of the node below ({oi}), not {oj}",
    "quiz.why.close": "close, but not within the tolerance: keep at least {digits} significant digits to the end",
    "quiz.why.opposite_sign": "the size is right, the sign is not",
    "quiz.why.factor": "off by a factor of {factor}",
    "quiz.history": "Revealed so far",
    "quiz.history.empty": "Nothing yet: each value appears here once it is revealed.",
    "quiz.history.typed": "(you typed {typed})",
    "quiz.score.title": "Your score · iteration {iteration}",
    "quiz.score.line": "{right} of {total} right, {wrong} wrong, {skipped} skipped",
    "quiz.score.perfect": "Every value right: the backward pass is yours.",
    "quiz.score.missed": "What was missed, with the formula that gives it:",
    "quiz.score.hint": "r: the same quiz again · escape: back to the lesson",
    "quiz.missed.wrong": "✗ {prompt} = {value}: you typed {typed}",
    "quiz.missed.skipped": "– {prompt} = {value}: skipped",
    "tui.help.body": """\
## Keys

| key | what it does |
|---|---|
| `n` or `→` | the next step; after the last step, the next iteration (the weights updated) |
| `p` or `←` | the previous step, back into earlier iterations |
| `home` / `end` | the first / last step of this iteration |
| `tab` | select a number in the δ table or the weight matrix (then arrows or the mouse); its formula appears in the step panel. `escape` leaves the table |
| `s` | the next sample: this iteration on another sample (or, in a batch, show another sample's numbers) |
| `t` | train the lesson's epochs; the loss curve grows as it runs |
| `escape` | stop training |
| `r` | reset to the lesson's initial weights |
| `z` | quiz: predict each δ, ∂E/∂W and updated weight before it is revealed (also `bp-tui LESSON --quiz`) |
| `m` | the classic mistakes: this iteration done right and done wrong four ways, side by side |
| `g` | gradient check: beside every ∂E/∂W, its central-difference estimate and their relative error |
| `+` / `-` | one more / one fewer significant digit everywhere (kept for the session) |
| `l` | back to the lessons |
| `ctrl+p` | the command palette: lessons and actions |
| `?` | this help; `q` quits |

## One training iteration, as the lecture derives it

1. **Input**: the sample's inputs are the outputs O of the input layer.
2. **Forward**, layer by layer: x_j = Σ_i O_i W_ij (+ b_j), then O_j = σ(x_j).
3. **Error**: E = ½ Σ_k (O_k − t_k)² over the output layer K.
4. **Backward**, from the output down, as on the lecture's last slide:
   δ_k = O_k(1 − O_k)(O_k − t_k) and ∂E/∂W_jk = O_j δ_k; then
   δ_j = O_j(1 − O_j) Σ_k δ_k W_jk and ∂E/∂W_ij = O_i δ_j; and so on down.
5. **Update**: W_ij ← W_ij − η ∂E/∂W_ij, every layer with the gradients of this iteration.

## Notation

- **O**: a node's output, after the activation; **t**: a target; **x**: a node's weighted input.
- **W_ij**: the weight from node i of the layer below to node j of the layer above.
- **δ**: ∂E/∂x, the error signal of a node; **η**: the learning rate.
- Layers are lettered as in the lecture: … N, I, J, K, with K the output layer. Node 1 of
  layer J is j1, its output O_j1, the weight into it from node 2 of I is W_i2j1.
- σ'(x) = σ(x)(1 − σ(x)) = O(1 − O): the f'(x) column of the δ table.
""",
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

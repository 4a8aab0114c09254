"""A seeded monkey test: thousands of random keys and resizes, shared by the lessons.

For each shipped lesson the app is opened on that lesson and driven by a
``random.Random(seed)`` (the seed is fixed per lesson, derived from the lesson's file
name) through a stream of key presses (KEYS_IN_ALL says how many): every key that any
of the app's screens or widgets binds (read from their ``BINDINGS``, so a new key joins
the stream by itself), the keys Textual gives meaning to (focus, arrows, enter, paging),
the command palette with keys typed into it and its commands run, and junk keys that
nothing binds (letters, digits, f1–f12, editing and control keys); training started and
cancelled along the way and now and then left to finish; and terminal resizes below and
above the 80×24 minimum (some lessons start below it), with the palette open too.

It checks that these inputs never make the app raise (``run_test`` re-raises any
exception the app met), that the size notice is on top exactly while the terminal is too
small, that at the end every lesson screen still open shows a consistent state (the
cursor inside the session's traces, the widgets showing that step, the network view
rendering every layer, the loss curve holding every epoch trained), and that the app
still quits on ``q``.

Not in the stream: ``q``, ``ctrl+q`` and ``ctrl+c`` (they quit and would end the run;
``q`` is tried at the end), and ``enter`` in the command palette after random typing
(it could pick "Quit", or "Screenshot", which writes a file). The palette is opened only
by actions that close it again.

A failure's message names the lesson, the seed and the last actions. To replay a run,
or to try other seeds: ``BP_TUI_MONKEY_SEED=<seed> pytest tests/test_monkey.py -k <lesson>``
(and ``BP_TUI_MONKEY_KEYS=<n>`` for n keys per lesson instead of the default budget).
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib
import inspect
import os
import pkgutil
import random
import string
import zlib
from collections import deque
from pathlib import Path

from textual import events
from textual.binding import Binding
from textual.command import CommandPalette
from textual.fuzzy import Matcher
from textual.geometry import Size
from textual.pilot import Pilot

import bp_tui.tui
from bp_tui.catalog import shipped_lessons
from bp_tui.report import step_title
from bp_tui.tui.app import MIN_HEIGHT, MIN_WIDTH, BpTuiApp
from bp_tui.tui.screens.dialogs import TooSmallScreen
from bp_tui.tui.screens.lesson import LessonScreen
from bp_tui.tui.widgets.loss_curve import LossCurve
from bp_tui.tui.widgets.network_view import NetworkView
from bp_tui.tui.widgets.step_panel import StepPanel

#: Key presses for the whole file, shared by the shipped lessons (BP_TUI_MONKEY_KEYS
#: sets the presses per lesson instead, for a longer soak). The budget is the whole file
#: in under ~90 s on two busy cores: a key costs the app ~5–40 ms of CPU (stepping
#: rebuilds the panels, the mistakes screen takes ~100–400 ms, and keys pressed while
#: training runs share the CPU with the training thread), ~25 ms on average with the
#: palette and resizes, and each lesson's start-up and checks ~1 s: so ~3,000 keys. That
#: is why most keys are posted in bursts, as a fast typist or key repeat delivers them,
#: and few go through ``pilot.press``, which waits for the CPU to go idle after every key
#: (50–300 ms each here).
KEYS_IN_ALL = 3000
KEYS_PER_LESSON = int(os.environ.get("BP_TUI_MONKEY_KEYS", "0")) or max(
    200, KEYS_IN_ALL // len(shipped_lessons())
)

#: The size the test starts at and comes back to.
SIZE = (120, 40)

#: How long one "let training finish" waits before cancelling it (seconds).
TRAIN_WAIT = 3.0

#: The keys that quit the app.
QUIT = {"q", "ctrl+q", "ctrl+c"}

#: Keys never in the random stream: quitting, and the palette (opened only by actions
#: that close it again).
NEVER = QUIT | {"ctrl+p"}

#: Keys Textual gives meaning to: focus, the tables' and lists' cursors, paging.
TEXTUAL_KEYS = [
    "tab", "shift+tab", "up", "down", "left", "right", "enter", "home", "end", "escape",
    "pageup", "pagedown", "ctrl+home", "ctrl+end", "ctrl+pageup", "ctrl+pagedown",
]  # fmt: skip

#: Keys nothing is meant to bind (some may be bound after all: that is fine).
JUNK = [
    *(c for c in string.ascii_lowercase if c not in QUIT),
    *"ABNPTXZ",
    *string.digits,
    *(f"f{i}" for i in range(1, 13)),
    "delete", "backspace", "space", "insert", "comma", "full_stop", "slash",
    "shift+home", "shift+end", "shift+up", "shift+down",
    *(f"ctrl+{c}" for c in string.ascii_lowercase if f"ctrl+{c}" not in NEVER),
]  # fmt: skip

#: Keys typed into the command palette before it is closed with escape (never enter).
#: Not pageup/pagedown: in Textual 8.2.8 either one, arriving between the first results
#: and the list's first layout, raises KeyError in OptionList._move_page (the line cache
#: is empty until the list has a size; compare Textualize/textual#5794).
PALETTE_TYPING = [
    *(c for c in string.ascii_lowercase if c != "q"), *string.digits, "space", "backspace",
    "up", "down", "colon", "underscore",
]  # fmt: skip

#: Palette commands never run: they end the run or write a file.
PALETTE_NEVER = ["Quit", "Screenshot"]

#: The characters of the named keys that type one.
CHARACTERS = {
    "space": " ", "question_mark": "?", "comma": ",", "full_stop": ".", "slash": "/",
    "minus": "-", "plus": "+", "equals_sign": "=", "colon": ":", "underscore": "_",
}  # fmt: skip
KEY_OF = {character: key for key, character in CHARACTERS.items()}

#: Sizes at the edge of the minimum, tried more often than chance would.
EDGES = [
    (MIN_WIDTH, MIN_HEIGHT), (MIN_WIDTH - 1, MIN_HEIGHT), (MIN_WIDTH, MIN_HEIGHT - 1),
    (MIN_WIDTH - 1, MIN_HEIGHT - 1), (1, 1), (MIN_WIDTH + 1, MIN_HEIGHT + 1),
]  # fmt: skip

#: Terminal sizes the app starts in: some too small, where it starts under the notice.
STARTS = [SIZE, SIZE, (MIN_WIDTH, MIN_HEIGHT), (MIN_WIDTH - 1, MIN_HEIGHT), (60, 20)]


def app_bindings() -> list[str]:
    """Every key bound by the app or by any screen or widget in :mod:`bp_tui.tui`."""
    keys: set[str] = set()
    owners = {BpTuiApp}
    for module in pkgutil.walk_packages(bp_tui.tui.__path__, f"{bp_tui.tui.__name__}."):
        for _, cls in inspect.getmembers(importlib.import_module(module.name), inspect.isclass):
            if cls.__module__ == module.name and "BINDINGS" in vars(cls):
                owners.add(cls)
    for owner in owners:
        for binding in vars(owner)["BINDINGS"]:
            key = binding.key if isinstance(binding, Binding) else binding[0]
            keys.update(k.strip() for k in key.split(","))
    return sorted(keys - NEVER)


#: Every bound key, of every screen and widget and of Textual.
BOUND = sorted({*app_bindings(), *TEXTUAL_KEYS})


def seed_of(lesson: Path) -> int:
    """The lesson's fixed seed (stable across runs and machines), or BP_TUI_MONKEY_SEED."""
    override = os.environ.get("BP_TUI_MONKEY_SEED")
    return int(override) if override else zlib.crc32(lesson.stem.encode())


def key_event(key: str) -> events.Key:
    """The event a terminal sends for ``key`` (with its character when it types one)."""
    return events.Key(key, key if len(key) == 1 else CHARACTERS.get(key))


class Monkey:
    """Random actions on a running app, each counted and logged for the failure message."""

    def __init__(
        self, app: BpTuiApp, pilot: Pilot[None], rng: random.Random, size: tuple[int, int]
    ) -> None:
        self.app, self.pilot, self.rng = app, pilot, rng
        self.presses = 0
        self.actions = 0
        self.log: deque[str] = deque(maxlen=30)
        self.size = size

    def random_keys(self, count: int) -> list[str]:
        """Half of them bound on the screen on top (so dialogs close and the picker opens
        lessons as a student would make them), a quarter bound anywhere, a quarter junk."""
        here = [key for key in self.app.screen.active_bindings if key not in NEVER]
        keys = []
        for _ in range(count):
            r = self.rng.random()
            keys.append(self.rng.choice(here if r < 0.5 and here else BOUND if r < 0.75 else JUNK))
        return keys

    @property
    def too_small(self) -> bool:
        return self.size[0] < MIN_WIDTH or self.size[1] < MIN_HEIGHT

    def note(self, what: str) -> None:
        self.actions += 1
        self.log.append(f"{self.actions}: {what}")

    # ── the actions ──────────────────────────────────────────────────────────

    async def step(self) -> None:
        """One random action: mostly bursts of keys, now and then something bigger."""
        r = self.rng.random()
        if self.too_small and self.rng.random() < 0.2:
            await self.resize_to(SIZE)  # a few keys under the notice are enough
        elif r < 0.025:
            await self.resize()
        elif r < 0.04:
            await self.palette_typing()
        elif r < 0.05:
            await self.palette_command()
        elif r < 0.055:
            await self.train_and_wait()
        elif r < 0.075:
            await self.press()
        else:
            await self.burst()
        assert self.app.is_running, "the app stopped during the run"
        self.check_cursor()

    async def burst(self) -> None:
        """Keys posted back to back, as a fast typist or key repeat delivers them."""
        keys = self.random_keys(self.rng.randint(1, 12))
        self.note(f"post {' '.join(keys)}")
        await self.post(keys)

    async def press(self) -> None:
        """Keys through Pilot, which waits for the app to go idle after each."""
        keys = self.random_keys(self.rng.randint(1, 3))
        self.note(f"press {' '.join(keys)}")
        await self.pilot.press(*keys)
        self.presses += len(keys)

    async def resize(self) -> None:
        """A random size (below or above the minimum, or at its edge), then maybe back."""
        rng = self.rng
        if rng.random() < 0.25:
            size = rng.choice(EDGES)
        else:
            size = (rng.randint(40, 200), rng.randint(10, 60))
        await self.resize_to(size)
        if rng.random() < 0.5:
            await self.resize_to(SIZE)

    async def resize_to(self, size: tuple[int, int]) -> None:
        """Resize the terminal; the size notice is on top exactly when it is too small."""
        self.note(f"resize {size[0]}×{size[1]}")
        self.size = size
        await self.pilot.resize_terminal(*size)
        await self.flush()  # any message still on its way (back to the picker, …)
        self.check_size_notice()

    async def palette_typing(self) -> None:
        """Open the command palette, type at it, close it with escape; now and then the
        terminal is resized while it is open, and ctrl+p pressed again."""
        keys = [self.rng.choice(PALETTE_TYPING) for _ in range(self.rng.randint(1, 8))]
        half = len(keys) // 2
        self.note(f"palette: {' '.join(keys[:half])}")
        if await self.open_palette():
            await self.post(keys[:half])
            if self.rng.random() < 0.5:
                await self.resize()
                self.note("ctrl+p")
                await self.post(["ctrl+p"])
                if self.too_small:
                    await self.resize_to(SIZE)  # the palette, still open, on top again
            self.note(f"palette: {' '.join(keys[half:])} escape")
            await self.post([*keys[half:], "escape"])
        await self.close_palette()

    async def palette_command(self) -> None:
        """Run a command from the command palette: one of those offered (but never quit
        nor a screenshot), or "Open lesson: …"."""
        titles = [command.title for command in self.app.get_system_commands(self.app.screen)]
        titles += [f"lesson: {path.stem}" for path in self.app.lesson_paths]
        query = self.rng.choice(titles)
        if any(Matcher(query).match(never) for never in PALETTE_NEVER):
            return
        self.note(f"palette: {query!r} enter")
        if await self.open_palette():
            await self.post([KEY_OF.get(c, c) for c in query])
            await self.pilot.pause(0.2)  # the palette searches in the background
            await self.pilot.press("enter")
            self.presses += 1
        await self.close_palette()  # if nothing matched (a command not offered here)

    async def train_and_wait(self) -> None:
        """Press t and let training finish, cancelling it if it takes too long."""
        self.note("t, wait for training")
        await self.pilot.press("t")
        self.presses += 1
        waiting = asyncio.ensure_future(self.app.workers.wait_for_complete())
        _, pending = await asyncio.wait({waiting}, timeout=TRAIN_WAIT)
        if pending:
            self.note("escape (training took too long)")
            await self.pilot.press("escape")
            self.presses += 1
            await waiting
        await self.flush()

    # ── sending keys ─────────────────────────────────────────────────────────

    async def post(self, keys: list[str]) -> None:
        """Post ``keys`` to the app as the terminal does, and wait until the app has taken
        them (not for the CPU to go idle: training would stretch that to a second)."""
        for key in keys:
            self.app.post_message(key_event(key))
        self.presses += len(keys)
        taken = asyncio.Event()
        if self.app.call_later(taken.set):
            while self.app.is_running and not taken.is_set():  # an app that died never sets it
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(taken.wait(), timeout=1)

    async def flush(self) -> None:
        """Wait until the app and its screen have handled every message so far (a pause
        with a delay does not wait for the CPU to go idle, which training keeps busy)."""
        await self.pilot.pause(0.01)

    async def open_palette(self) -> bool:
        """ctrl+p, once no key is still on its way to open a screen above the palette."""
        await self.flush()
        await self.post(["ctrl+p"])
        await self.flush()
        return CommandPalette.is_open(self.app)

    async def close_palette(self) -> None:
        """Close the palette, which must not stay anywhere in the stack."""
        for _ in range(3):
            await self.flush()
            if not CommandPalette.is_open(self.app):
                break
            await self.pilot.press("escape")
            self.presses += 1
        stack = self.app.screen_stack
        assert not any(isinstance(screen, CommandPalette) for screen in stack), stack

    # ── checks ───────────────────────────────────────────────────────────────

    def check_size_notice(self) -> None:
        """The size notice covers the app exactly while the terminal is too small."""
        width, height = self.size
        assert self.app.size == Size(width, height)
        stack = self.app.screen_stack
        notices = [s for s in stack if isinstance(s, TooSmallScreen)]
        if self.too_small:
            assert isinstance(self.app.screen, TooSmallScreen), f"{width}×{height}: {stack}"
            assert len(notices) == 1, stack
        else:
            assert not notices, f"a size notice at {width}×{height}: {stack}"

    def check_cursor(self) -> None:
        """Every open lesson's cursor is inside its session's traces."""
        for screen in self.app.screen_stack:
            if isinstance(screen, LessonScreen):
                session = screen.session
                assert 0 <= session.position.iteration < len(session.history)
                assert 0 <= session.position.step < len(session.trace.steps)
                assert 0 <= screen.row < len(session.trace.samples)


def check_lesson_screen(screen: LessonScreen) -> None:
    """A settled lesson screen shows its session's current step, the current layer in
    the network view, and the loss curve of every epoch trained."""
    session = screen.session
    trace, index = session.trace, session.position.step
    assert screen.view is not None
    assert screen.view.trace is trace and screen.view.step_index == index
    header = screen.query_one(NetworkView).render().plain.splitlines()[0]
    label = trace.network.labels[session.step.layer]
    assert f" {label} " in header, (label, header)
    panel = screen.query_one(StepPanel)
    assert panel.view is screen.view
    assert str(panel.query_one("#step-title").render()) == step_title(trace, session.step, index)
    assert screen.query_one(LossCurve).losses == tuple(session.losses)


async def test_random_keys_and_resizes_never_break_the_app(shipped_lesson: Path) -> None:
    """Seeded random keys, palette commands, training runs and resizes, starting on a
    lesson: nothing raises, the screens stay consistent, and q still quits."""
    seed = seed_of(shipped_lesson)
    rng = random.Random(seed)
    size = rng.choice(STARTS)
    app = BpTuiApp(shipped_lesson)
    monkey: Monkey | None = None
    try:
        async with app.run_test(size=size) as pilot:
            monkey = Monkey(app, pilot, rng, size)
            monkey.note(f"start at {size[0]}×{size[1]}")
            await pilot.pause()
            assert any(isinstance(screen, LessonScreen) for screen in app.screen_stack)
            monkey.check_size_notice()
            while monkey.presses < KEYS_PER_LESSON:
                await monkey.step()

            # Settle: a usable size, no training, no palette; then check what is open.
            await monkey.resize_to(SIZE)
            monkey.note("escape, cancel and wait for training")
            await pilot.press("escape")
            app.workers.cancel_all()  # training may go on under a dialog
            await app.workers.wait_for_complete()
            await pilot.pause()
            await monkey.close_palette()
            monkey.check_size_notice()
            monkey.check_cursor()
            for screen in app.screen_stack:
                if isinstance(screen, LessonScreen):
                    check_lesson_screen(screen)

            # The app still answers q (a dialog on top closes on q first).
            monkey.note("escape ×3, then q until the app exits")
            await pilot.press("escape", "escape", "escape")
            for _ in range(5):
                await pilot.press("q")
                if not app.is_running:
                    break
            assert not app.is_running, f"q does not quit: {app.screen_stack}"
        assert app.return_code == 0
    except BaseException as err:
        err.add_note(f"monkey: lesson {shipped_lesson.stem}, seed {seed} (BP_TUI_MONKEY_SEED)")
        if monkey is not None:
            err.add_note(f"after {monkey.presses} key presses; the last actions:")
            err.add_note("\n".join(monkey.log))
        raise
    print(f"{shipped_lesson.stem}: seed {seed}, {monkey.presses} key presses")

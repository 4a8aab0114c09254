"""The adversarial corpus: every broken lesson in tests/corpus/ fails the same, exact way.

Each file in ``tests/corpus/`` is a mistake a teacher or student makes (or an attack
someone tries); ``tests/corpus/expected.json`` says, for each, the exact problems the
loader must report: line, column, field and message. Those messages are the contract
with teachers, so they are compared in full. Where YAML's own words differ between
libyaml and PyYAML's pure-Python parser, ``message_pure_python`` holds the latter's.

The files go through the loader, through the real command line in a subprocess, and
through the app; none of them may run anything, take long, print a traceback, or be
changed by being read.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
import yaml

from bp_tui import cli
from bp_tui.lesson import LessonError, Problem, load_lesson
from bp_tui.lesson.limits import MAX_FILE_BYTES
from bp_tui.tui.app import BpTuiApp
from bp_tui.tui.screens.dialogs import ErrorScreen
from bp_tui.tui.screens.picker import PickerScreen

ROOT = Path(__file__).resolve().parent.parent
CORPUS = Path(__file__).resolve().parent / "corpus"
EXPECTED: dict[str, dict] = json.loads((CORPUS / "expected.json").read_text(encoding="utf-8"))
FILES = sorted(CORPUS.glob("*.yaml"))
#: A valid shipped lesson without `expect:`, whose `check` is start-up and loading only.
VALID = ROOT / "bp_tui" / "lessons" / "01_one_neuron.yaml"
#: Files that a python tag would create in the working directory, were it ever run.
MARKERS = [entry["would_create"] for entry in EXPECTED.values() if "would_create" in entry]
#: Seconds a bad file may take beyond the start-up of Python and bp-tui.
SLACK = 1.0
MAX_STDERR_LINES = 5


def checksums(folder: Path) -> dict[str, str]:
    """The sha256 of every file under ``folder``, by relative path."""
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


#: The corpus as the test session found it, before any test read a file of it.
BEFORE = checksums(CORPUS)


def expected_problems(path: Path, pure_python: bool | None = None) -> list[Problem]:
    """The problems expected.json promises for the corpus file ``path``, as the loader's
    parser words them (libyaml's, or PyYAML's own with ``pure_python``)."""
    if pure_python is None:
        pure_python = not yaml.__with_libyaml__
    problems = []
    for p in EXPECTED[path.name]["problems"]:
        message = p.get("message_pure_python", p["message"]) if pure_python else p["message"]
        problems.append(Problem(str(path), p["line"], p["column"], p["field"], message))
    return problems


def loader_error(path: Path) -> LessonError:
    """The error ``load_lesson`` raises for ``path`` (which must not load)."""
    with pytest.raises(LessonError) as info:
        load_lesson(path)
    return info.value


#: Every corpus file, as a test parameter named after it.
CASES = [pytest.param(p, id=p.name) for p in FILES]


def bp_tui(*args: str, cwd: Path) -> tuple[subprocess.CompletedProcess[str], float]:
    """Run ``python -m bp_tui ARGS`` as a user does; the result and its wall time."""
    start = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-m", "bp_tui", *args],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=cwd,
    )
    return result, time.perf_counter() - start


def baseline(cwd: Path) -> float:
    """Wall time of `bp-tui check` on a valid shipped lesson: Python's start-up and more."""
    result, elapsed = bp_tui("check", str(VALID), cwd=cwd)
    assert result.returncode == 0, result.stderr
    return elapsed


def assert_nothing_ran(folder: Path) -> None:
    """No file that a python tag's command would create exists in ``folder``."""
    for marker in MARKERS:
        assert not (folder / marker).exists(), f"a python tag ran: {folder / marker} exists"


# --- the corpus itself ---------------------------------------------------------------


def test_every_corpus_file_has_its_expected_problems_and_no_more() -> None:
    """expected.json and the folder list the same files: at least 35 small files, each
    with 1 to 5 problems (so that `bp-tui check` prints at most 5 lines for it)."""
    assert sorted(EXPECTED) == [p.name for p in FILES]
    assert len(FILES) >= 35
    for path in FILES:
        entry = EXPECTED[path.name]
        assert entry["mistake"], path.name
        assert 1 <= len(entry["problems"]) <= MAX_STDERR_LINES, path.name
        assert path.stat().st_size < 4096, f"{path.name}: generate large files in the test"
        for p in entry["problems"]:
            assert set(p) <= {"line", "column", "field", "message", "message_pure_python"}
            assert (p["line"] is None) == (p["column"] is None), path.name


# --- the loader ----------------------------------------------------------------------


@pytest.mark.parametrize("path", CASES)
def test_load_lesson_reports_exactly_the_expected_problems(
    path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each corpus file raises LessonError with exactly the problems of expected.json, in
    order, and nothing else: no other exception, no partial lesson."""
    monkeypatch.chdir(tmp_path)  # where a python tag's command would leave its file
    error = loader_error(path)
    assert list(error.problems) == expected_problems(path)
    assert str(error) == "\n".join(str(p) for p in expected_problems(path))
    assert_nothing_ran(tmp_path)


@pytest.mark.parametrize("path", CASES)
def test_the_pure_python_yaml_parser_reports_the_same(
    path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without libyaml (PyYAML built without it) the loader gives the same places and
    messages, in PyYAML's own words where YAML's words are quoted."""
    monkeypatch.setattr(yaml, "__with_libyaml__", False)
    assert list(loader_error(path).problems) == expected_problems(path, pure_python=True)


def test_python_tags_construct_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`!!python/object/apply`, `!!python/object/new` and `!!python/name` are refused
    without being constructed: os.system and subprocess are never called, no module is
    imported for them, and the files their commands would create never appear.

    The loading happens in a fresh interpreter, so that "torch was not imported" means
    something even when another test imported it, and os.system is the real one."""
    tagged = [p for p in FILES if b"!!python/" in p.read_bytes()]
    assert len(tagged) >= 3
    script = textwrap.dedent(
        """
        import json, os, subprocess, sys
        calls = []
        real_system = os.system
        def spy(name, real):
            def run(*args, **kwargs):
                calls.append(name)
                return real(*args, **kwargs)
            return run
        os.system = spy("os.system", real_system)
        subprocess.check_output = spy("subprocess.check_output", subprocess.check_output)
        subprocess.Popen.__init__ = spy("subprocess.Popen", subprocess.Popen.__init__)
        from bp_tui.lesson import LessonError, load_lesson
        errors = 0
        for path in sys.argv[1:]:
            try:
                load_lesson(path)
            except LessonError:
                errors += 1
        print(json.dumps({"calls": calls, "errors": errors, "torch": "torch" in sys.modules}))
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", script, *map(str, tagged)],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report == {"calls": [], "errors": len(tagged), "torch": False}
    assert_nothing_ran(tmp_path)
    assert_nothing_ran(ROOT)
    assert list(tmp_path.iterdir()) == []


def oversized_lesson(folder: Path) -> Path:
    """A lesson with a data list long enough to pass the 2 MB limit (made here, not
    committed): valid YAML, every line a plausible sample."""
    head = (
        "title: Too much data, typed in\nnetwork:\n  layers: [2, 1]\n"
        "  weights: [[[0.5], [0.5]]]\ntraining:\n  learning_rate: 0.5\ndata:\n"
    )
    row = "  - {input: [0.123456, 0.654321], target: [1]}\n"
    count = (MAX_FILE_BYTES - len(head)) // len(row) + 1
    path = folder / "oversized.yaml"
    path.write_text(head + row * count, encoding="utf-8")
    assert path.stat().st_size > MAX_FILE_BYTES
    return path


def test_an_oversized_file_is_refused_before_it_is_read(tmp_path: Path) -> None:
    """A file over the documented 2 MB is refused by its size alone, quickly."""
    path = oversized_lesson(tmp_path)
    size = path.stat().st_size
    start = time.perf_counter()
    error = loader_error(path)
    assert time.perf_counter() - start < 0.5
    assert list(error.problems) == [
        Problem(
            str(path),
            None,
            None,
            "",
            f"the file is too large (expected at most 2,097,152 bytes, got {size:,} bytes); "
            f"a lesson file may be at most 2 MB",
        )
    ]


# --- the command line ----------------------------------------------------------------


def test_check_rejects_every_corpus_file_quickly_and_plainly(tmp_path: Path) -> None:
    """`bp-tui check` over the whole corpus in one run: exit code 2; no file passes; the
    whole run takes at most a second beyond a valid lesson's check (so each file does);
    each file's lines on stderr are exactly the loader's problems for it, at most 5,
    each naming the file and, where the fault has a place, its `:line:col:`; no
    traceback."""
    slowest_start = baseline(tmp_path)
    result, elapsed = bp_tui("check", *map(str, FILES), cwd=tmp_path)
    assert result.returncode == 2
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    assert elapsed <= slowest_start + SLACK, f"{elapsed:.2f} s vs {slowest_start:.2f} s"
    lines = result.stderr.splitlines()
    for path in FILES:
        mine = [line for line in lines if line.startswith(f"{path}:")]
        assert mine == str(loader_error(path)).splitlines(), path.name
        assert 1 <= len(mine) <= MAX_STDERR_LINES, path.name
        for p in EXPECTED[path.name]["problems"]:
            if p["line"] is not None:
                assert any(f"{path}:{p['line']}:{p['column']}: " in line for line in mine)
    assert sum(line.startswith(tuple(map(str, FILES))) for line in lines) == len(lines)
    assert_nothing_ran(tmp_path)
    assert checksums(CORPUS) == BEFORE


def test_run_rejects_every_corpus_file_quickly_and_plainly(tmp_path: Path) -> None:
    """`bp-tui run FILE`, one process per file: exit code 2, nothing on stdout, stderr
    exactly the loader's problems (at most 5 lines, naming the file, no traceback), and
    each run done within a second of a valid lesson's `bp-tui check`."""
    start_up = baseline(tmp_path)
    failures = []
    for path in FILES:
        result, elapsed = bp_tui("run", str(path), cwd=tmp_path)
        lines = result.stderr.splitlines()
        wanted = str(loader_error(path)).splitlines()
        if (
            result.returncode != 2
            or result.stdout
            or lines != wanted
            or not 1 <= len(lines) <= MAX_STDERR_LINES
            or not all(line.startswith(f"{path}:") for line in lines)
            or "Traceback" in result.stderr
            or elapsed > start_up + SLACK
        ):
            failures.append(f"{path.name}: exit {result.returncode}, {elapsed:.2f} s, {lines}")
    assert failures == [], f"start-up {start_up:.2f} s\n" + "\n".join(failures)
    assert_nothing_ran(tmp_path)
    assert checksums(CORPUS) == BEFORE


def test_paths_that_are_not_lesson_files(tmp_path: Path) -> None:
    """A path to nothing, a folder and a file over 2 MB: `check` and `run` exit 2 within
    a second of start-up, with one line naming the path and what is wrong (no place)."""
    work = tmp_path / "work"
    work.mkdir()
    missing = tmp_path / "no" / "such" / "lesson.yaml"
    folder = tmp_path / "a_folder.yaml"
    folder.mkdir()
    big = oversized_lesson(tmp_path)
    size = big.stat().st_size
    wanted = {
        missing: f"{missing}: no such file (expected a lesson file, got a path to nothing)",
        folder: f"{folder}: not a file (expected a lesson file, got a directory)",
        big: f"{big}: the file is too large (expected at most 2,097,152 bytes, got {size:,} "
        f"bytes); a lesson file may be at most 2 MB",
    }
    start_up = baseline(work)
    result, elapsed = bp_tui("check", *map(str, wanted), cwd=work)
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr.splitlines() == list(wanted.values())
    assert elapsed <= start_up + SLACK
    for path, line in wanted.items():
        result, elapsed = bp_tui("run", str(path), cwd=work)
        assert (result.returncode, result.stdout, result.stderr) == (2, "", line + "\n")
        assert elapsed <= start_up + SLACK, path


@pytest.mark.skipif(
    not hasattr(os, "geteuid") or os.geteuid() == 0,
    reason="running as root, which reads a chmod 000 file; "
    "test_an_unreadable_file_in_process covers it",
)
def test_an_unreadable_file(tmp_path: Path) -> None:
    """A file without read permission: exit 2 and one line, in a real subprocess."""
    path = tmp_path / "secret.yaml"
    path.write_bytes(VALID.read_bytes())
    path.chmod(0)
    result, _ = bp_tui("check", str(path), cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr == f"{path}: cannot read the file (permission denied)\n"
    result, _ = bp_tui("run", str(path), cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr == f"{path}: cannot read the file (permission denied)\n"


def test_an_unreadable_file_in_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The same as above, as root too: opening the file is refused (as chmod 000 does for
    anyone else), and `check` and `run` exit 2 with the loader's one line."""
    path = tmp_path / "secret.yaml"
    path.write_bytes(VALID.read_bytes())

    def refuse(*args: object, **kwargs: object) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr("bp_tui.lesson.loader.open", refuse, raising=False)
    line = f"{path}: cannot read the file (permission denied)\n"
    for command in ("check", "run"):
        assert cli.main([command, str(path)]) == 2
        out, err = capsys.readouterr()
        assert (out, err) == ("", line)


# --- the app -------------------------------------------------------------------------

APP_CASES = [
    "python_object_apply.yaml",  # an attack, refused
    "alias_bomb.yaml",  # a limit, hit at once
    "latin1.yaml",  # bytes that are not UTF-8
    "truncated.yaml",  # a YAML syntax error
    "samples_wrong_shape.yaml",  # two problems, from the rules between parts
    "missing_everything.yaml",  # three problems at one place
]


@pytest.mark.parametrize("name", APP_CASES)
async def test_the_app_shows_the_error_and_carries_on(
    name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Opened on a broken lesson, the app shows the error screen with exactly the
    loader's message; escape goes back to the lesson picker, and q still quits."""
    monkeypatch.chdir(tmp_path)
    path = CORPUS / name
    message = str(loader_error(path))
    app = BpTuiApp(path)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, ErrorScreen)
        assert str(app.screen.query_one("#error-message").render()) == message
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, PickerScreen)
        await pilot.press("q")
        await pilot.pause()
        assert not app.is_running
    assert app.return_code == 0
    assert_nothing_ran(tmp_path)


# --- afterwards ----------------------------------------------------------------------


def test_no_corpus_file_changed() -> None:
    """Reading the corpus (every test above) changed no byte of it, and added nothing."""
    assert checksums(CORPUS) == BEFORE
    assert_nothing_ran(ROOT)
    assert_nothing_ran(CORPUS)

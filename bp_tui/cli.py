"""The ``bp-tui`` command.

    bp-tui [LESSON] [--lessons DIR]     open the app (the lesson picker without LESSON)
    bp-tui run LESSON [--epochs N] [--format text|markdown|json] [--digits D] [--all]
    bp-tui check LESSON...              exit 0 when every lesson is valid, 2 otherwise
    bp-tui list                         the shipped lessons
    bp-tui schema                       the lessons' JSON Schema, for editors

Exit codes: 0 success, 1 training diverged (``run``), 2 a bad lesson or bad usage.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from bp_tui import __version__
from bp_tui.catalog import resolve, shipped_lessons, short_name
from bp_tui.words import word

if TYPE_CHECKING:
    from bp_tui.lesson import Lesson

COMMANDS = ("run", "check", "list", "schema")
EXIT_OK, EXIT_DIVERGED, EXIT_USAGE = 0, 1, 2


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"expected 0 or more, got {value}")
    return value


def _digits(text: str) -> int:
    value = _positive_int(text)
    if not 1 <= value <= 17:
        raise argparse.ArgumentTypeError(f"expected 1 to 17 significant digits, got {value}")
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="bp-tui",
        description="Backpropagation, every number of it.",
        epilog=(
            "commands: run (print a worked example), check (validate lessons), "
            "list (shipped lessons), schema (the lesson JSON Schema). "
            "`bp-tui COMMAND --help` tells more."
        ),
    )
    parser.add_argument("--version", action="version", version=f"bp-tui {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="{run,check,list,schema}")

    run = sub.add_parser("run", help="print the worked example of a lesson")
    run.add_argument("lesson", help="a lesson file, or the name of a shipped lesson")
    run.add_argument(
        "--epochs", type=_positive_int, help="train this many epochs (default: the lesson's)"
    )
    run.add_argument("--format", choices=("text", "markdown", "json"), default="text")
    run.add_argument("--digits", type=_digits, default=4, help="significant digits (default 4)")
    run.add_argument("--all", action="store_true", help="print every formula of large layers")

    check = sub.add_parser("check", help="validate lessons (exit 0 when all are valid, 2 when not)")
    check.add_argument("lessons", nargs="+", metavar="LESSON")

    sub.add_parser("list", help="list the shipped lessons")
    sub.add_parser("schema", help="print the JSON Schema of lesson files")
    return parser


def build_app_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="bp-tui",
        usage="bp-tui [LESSON [--quiz]] [--lessons DIR] | bp-tui {run,check,list,schema} ...",
        description="Open the app: the lesson picker, or LESSON directly.",
        epilog=build_parser().epilog,
    )
    parser.add_argument("--version", action="version", version=f"bp-tui {__version__}")
    parser.add_argument("lesson", nargs="?", help="a lesson file, or a shipped lesson's name")
    parser.add_argument("--lessons", type=Path, metavar="DIR", help="also list the lessons of DIR")
    parser.add_argument(
        "--quiz", action="store_true", help="open LESSON's quiz: predict each value, then see it"
    )
    return parser


def _load(name: str) -> Lesson:
    from bp_tui.lesson import load_lesson

    return load_lesson(_lesson_path(name))


def _lesson_path(name: str) -> Path:
    path = resolve(name)
    if not path.exists() and path.suffix not in {".yaml", ".yml"} and "/" not in name:
        names = ", ".join(short_name(p) for p in shipped_lessons())
        raise SystemExit(_usage_error(word("cli.no_lesson", name=name, names=names)))
    return path


def _usage_error(message: str) -> int:
    print(f"bp-tui: error: {message}", file=sys.stderr)
    return EXIT_USAGE


def cmd_run(args: argparse.Namespace) -> int:
    from bp_tui.lesson import LessonError
    from bp_tui.report import build_report, render_json, render_text

    try:
        lesson = _load(args.lesson)
    except LessonError as err:
        print(err, file=sys.stderr)
        return EXIT_USAGE
    report = build_report(lesson, args.epochs)
    if args.format == "json":
        sys.stdout.write(render_json(report))
    else:
        markdown = args.format == "markdown"
        sys.stdout.write(render_text(report, args.digits, markdown=markdown, show_all=args.all))
    if report.training is not None and report.training.divergence is not None:
        print(f"bp-tui: {report.training.divergence}", file=sys.stderr)
        return EXIT_DIVERGED
    return EXIT_OK


def cmd_check(args: argparse.Namespace) -> int:
    from bp_tui.lesson import LessonError
    from bp_tui.lesson.expect import check_expectations

    status = EXIT_OK
    for name in args.lessons:
        try:
            lesson = _load(name)
        except LessonError as err:
            print(err, file=sys.stderr)
            status = EXIT_USAGE
            continue
        problems = check_expectations(lesson)  # every expect: promise, recomputed
        for problem in problems:
            print(problem, file=sys.stderr)
        if problems:
            status = EXIT_USAGE
            continue
        print(word("check.ok", path=name, title=lesson.title))
    return status


def cmd_list(args: argparse.Namespace) -> int:
    from bp_tui.lesson import LessonError, load_lesson

    print(word("list.header"))
    for path in shipped_lessons():
        try:
            lesson = load_lesson(path)
        except LessonError as err:
            print(f"  {short_name(path):<24} (invalid: {err.problems[0].message})")
            continue
        print(f"  {short_name(path):<24} {lesson.shape:<12} {lesson.title}")
    return EXIT_OK


def cmd_schema(args: argparse.Namespace) -> int:
    import json

    from bp_tui.lesson import lesson_schema

    print(json.dumps(lesson_schema(), indent=2, ensure_ascii=False))
    return EXIT_OK


def cmd_app(args: argparse.Namespace) -> int:
    from bp_tui.tui.app import run_app

    path = _lesson_path(args.lesson) if args.lesson else None
    if args.lessons is not None and not args.lessons.is_dir():
        return _usage_error(f"--lessons {args.lessons}: not a folder")
    if args.quiz and path is None:
        return _usage_error("--quiz needs a LESSON")
    return run_app(lesson=path, lessons_dir=args.lessons, quiz=args.quiz)


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``bp-tui`` with ``argv`` (default: the command line); return the exit code."""
    args = list(sys.argv[1:] if argv is None else argv)
    try:
        if args and args[0] in COMMANDS:
            ns = build_parser().parse_args(args)
            handler = {"run": cmd_run, "check": cmd_check, "list": cmd_list, "schema": cmd_schema}
            return handler[ns.command](ns)
        return cmd_app(build_app_parser().parse_args(args))
    except SystemExit as exit_:  # argparse's usage errors and --help
        return exit_.code if isinstance(exit_.code, int) else EXIT_USAGE
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # `bp-tui run ... | head`
        sys.stderr.close()
        return EXIT_OK

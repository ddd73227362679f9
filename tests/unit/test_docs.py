"""README.md and docs/ stay true to the code: every command, option and variable the CLI and
the settings know is documented, everything the documents name exists (commands, options,
``TAGSTRIP_*`` variables, make targets), every relative link resolves, and the picture is
what its text source draws. A rename in the code then fails here instead of leaving the
documentation wrong."""

from __future__ import annotations

import argparse
import re
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import pytest

from scripts.diagram import parse, render
from tagstrip.cli import _parser
from tagstrip.runtime.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"
README = ROOT / "README.md"

#: A `tagstrip <command>` call (not kubectl's `-n tagstrip <verb>`), or a long option.
_CALL = re.compile(
    r"(?:(?<=bin/)|(?<!\S))(?<!-n )tagstrip (?P<command>[a-z][a-z-]*)"
    r"|(?<![\w-])--(?P<option>[a-z][a-z-]*)"
)
_VARIABLE = re.compile(r"\bTAGSTRIP_[A-Z0-9_]*[A-Z0-9]\b(?!\*)")
_MAKE = re.compile(r"(?<![\w-])make (?P<target>[a-z][\w-]*)")
_LINK = re.compile(r"!?\[[^\]]*\]\((?P<target>[^)\s]+)\)")
_INLINE_CODE = re.compile(r"`([^`]+)`")


def _documents() -> list[Path]:
    return [README, *sorted(DOCS.glob("*.md"))]


def _reference() -> list[Path]:
    return sorted(DOCS.glob("*.md"))


def _code_lines(path: Path) -> Iterator[list[str]]:
    """Per line, its code in order: the whole line in a fenced block, else its inline spans."""
    fenced = False
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.lstrip().startswith("```"):
            fenced = not fenced
            continue
        yield [line] if fenced else _INLINE_CODE.findall(line)


def _prose_lines(path: Path) -> Iterator[str]:
    """The lines outside fenced blocks (where links live)."""
    fenced = False
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.lstrip().startswith("```"):
            fenced = not fenced
        elif not fenced:
            yield line


def _named_calls(paths: list[Path]) -> set[tuple[str, str | None]]:
    """(command, None) for each `tagstrip <command>` in code, and (command, option) for each
    long option after it on the same line: the option belongs to the nearest command."""
    named: set[tuple[str, str | None]] = set()
    for path in paths:
        for fragments in _code_lines(path):
            command: str | None = None
            for match in (m for fragment in fragments for m in _CALL.finditer(fragment)):
                if match["command"]:
                    command = match["command"]
                    named.add((command, None))
                elif command is not None:
                    named.add((command, f"--{match['option']}"))
    return named


@cache
def _cli() -> dict[str, set[str]]:
    """Every subcommand of the `tagstrip` parser and its long options."""
    commands = next(
        action for action in _parser()._actions if isinstance(action, argparse._SubParsersAction)
    )
    return {
        name: {
            option
            for action in sub._actions
            for option in action.option_strings
            if option.startswith("--") and option != "--help"
        }
        for name, sub in commands.choices.items()
    }


def _settings_variables() -> set[str]:
    return {Settings.variable(name) for name in Settings.model_fields}


def _text(paths: list[Path]) -> str:
    return "\n".join(path.read_text(encoding="utf-8") for path in paths)


def test_every_command_and_option_is_documented() -> None:
    named = _named_calls(_reference())
    expected = {(command, None) for command in _cli()} | {
        (command, option) for command, options in _cli().items() for option in options
    }
    assert sorted(expected - named, key=str) == []


def test_every_command_and_option_the_documents_name_exists() -> None:
    cli = _cli()
    unknown = [
        (command, option)
        for command, option in _named_calls(_documents())
        if command not in cli or (option is not None and option not in cli[command])
    ]
    assert sorted(unknown, key=str) == []


def test_every_variable_of_the_settings_is_documented() -> None:
    text = _text(_reference())
    assert sorted(v for v in _settings_variables() if v not in text) == []


def test_every_variable_the_documents_name_exists() -> None:
    """Settings own every variable of the functions; the others are the test suite's own."""
    suite = "\n".join(path.read_text(encoding="utf-8") for path in (ROOT / "tests").rglob("*.py"))
    named = set(_VARIABLE.findall(_text(_documents())))
    assert sorted(v for v in named - _settings_variables() if v not in suite) == []


def test_every_make_target_the_documents_name_exists() -> None:
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    targets = set(re.findall(r"^([a-z][\w-]*):", makefile, re.MULTILINE))
    named = {
        match["target"]
        for path in _documents()
        for fragments in _code_lines(path)
        for fragment in fragments
        for match in _MAKE.finditer(fragment)
    }
    assert {"demo", "test"} <= named
    assert sorted(named - targets) == []


def test_the_quick_start_is_the_two_commands() -> None:
    """`make demo` and `make test` are the newcomer's two commands, exactly."""
    quick_start = README.read_text(encoding="utf-8").split("## Quick start", 1)[1]
    block = quick_start.split("```sh\n", 1)[1].split("```", 1)[0]
    assert [line.split("#")[0].strip() for line in block.splitlines()] == ["make demo", "make test"]


def _anchors(path: Path) -> set[str]:
    """GitHub's heading anchors: lowercase, punctuation dropped, spaces to hyphens."""
    return {
        re.sub(r"[^\w\- ]", "", line.lstrip("#").strip().lower()).replace(" ", "-")
        for line in _prose_lines(path)
        if line.startswith("#")
    }


def _resolves(document: Path, target: str) -> bool:
    """A link to a file that exists and, for a heading anchor of a Markdown file, to a heading
    it has."""
    path, _, anchor = target.partition("#")
    resolved = (document.parent / path).resolve() if path else document
    if not resolved.exists():
        return False
    return not anchor or resolved.suffix != ".md" or anchor in _anchors(resolved)


@pytest.mark.parametrize("document", _documents(), ids=lambda path: path.name)
def test_every_relative_link_resolves(document: Path) -> None:
    targets = [
        match["target"]
        for line in _prose_lines(document)
        for match in _LINK.finditer(_INLINE_CODE.sub("", line))
        if not re.match(r"[a-z]+:", match["target"])
    ]
    assert [target for target in targets if not _resolves(document, target)] == []


def test_the_flow_picture_is_drawn_from_its_source() -> None:
    """docs/flow.svg is `make diagram`'s output for docs/flow.txt, so neither drifts alone."""
    source = (DOCS / "flow.txt").read_text(encoding="utf-8")
    assert (DOCS / "flow.svg").read_text(encoding="utf-8") == render(parse(source))


def test_a_stage_without_a_title_is_refused_with_its_line() -> None:
    with pytest.raises(ValueError, match="line 2"):
        parse("Event | webhook\n | no title\n")

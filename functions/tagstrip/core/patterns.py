"""Selector patterns, compiled only when their worst case stays small.

Tag keys and values are short (128 characters for Alibaba keys, 255 for Huawei values), so
the risk is not the input but the pattern: a backtracking engine can take exponential time
on ``(a+)+$`` or ``(a|aa)*b`` and polynomial time of high degree on ``.*.*.*.*x``. Rather
than run `re` under a timeout (threads cannot be interrupted, signals are not available in
every function runtime), a regex is accepted only if it is structurally cheap:

- at most `MAX_PATTERN` characters;
- no backreference or conditional group (they make matching NP-hard);
- no repetition (``*``, ``+``, ``{m,n}``) of a group that contains another repetition or an
  alternation (the source of exponential backtracking);
- at most `MAX_REPEATS` variable repetitions in all (``*``, ``+``, ``?``, ``{m,n}``), which
  bounds the work to a low-degree polynomial of the text's length: milliseconds here.

Globs are translated by `fnmatch`, whose regexes use atomic groups and never backtrack
badly, so only their length is limited. Both kinds must match the whole key or value.
"""

from __future__ import annotations

import fnmatch
import re
from dataclasses import dataclass

from tagstrip.core.errors import FieldError, Location

__all__ = ["MAX_PATTERN", "MAX_REPEATS", "compile_glob", "compile_regex"]

MAX_PATTERN = 128
MAX_REPEATS = 3
#: ``{m}``, ``{m,}``, ``{,n}``, ``{m,n}``; ``{}``, ``{,}`` and ``{x}`` are literal text.
_BRACES = re.compile(r"\{(?=,?\d)(\d*)(,?)(\d*)\}")
#: What may follow ``(?`` before a group's body: flags, then ``:``, lookarounds, atomic.
_EXTENSION = re.compile(r"\?(?:[aiLmsux]*(?:-[imsx]+)?:|=|!|<=|<!|>|P<\w+>)")


class UnsafePattern(ValueError):
    """A regex that compiles but could take too long to match; the message says why."""


def compile_glob(text: str, loc: Location) -> tuple[re.Pattern[str] | None, list[FieldError]]:
    """The glob as a compiled regex, or the errors that locate why it is refused."""
    errors = _check_length(text, loc, "glob")
    if errors:
        return None, errors
    return re.compile(fnmatch.translate(text)), []


def compile_regex(text: str, loc: Location) -> tuple[re.Pattern[str] | None, list[FieldError]]:
    """The regex compiled, or the errors that locate why it is refused (syntax or cost)."""
    errors = _check_length(text, loc, "regular expression")
    if errors:
        return None, errors
    try:
        pattern = re.compile(text)
        _check_cost(text)
    except re.error as exc:
        message = f"not a valid regular expression: {exc.msg} at position {exc.pos}"
        return None, [FieldError(loc, message, "invalid_pattern")]
    except UnsafePattern as exc:
        return None, [FieldError(loc, f"regular expression refused: {exc}", "unsafe_pattern")]
    return pattern, []


def _check_length(text: str, loc: Location, what: str) -> list[FieldError]:
    if not text:
        return [FieldError(loc, f"the {what} must not be empty", "empty")]
    if len(text) > MAX_PATTERN:
        message = f"the {what} is {len(text)} characters long; the limit is {MAX_PATTERN}"
        return [FieldError(loc, message, "too_long")]
    return []


@dataclass
class _Group:
    """What a group (or the whole pattern) holds so far."""

    repeats: bool = False
    alternation: bool = False

    def absorb(self, inner: _Group) -> None:
        self.repeats |= inner.repeats
        self.alternation |= inner.alternation


def _check_cost(text: str) -> None:
    """Raise UnsafePattern for the constructs the module docstring lists (`text` compiles)."""
    stack, closed, repeats, i = [_Group()], None, 0, 0
    while i < len(text):
        char, atom = text[i], None
        if char == "\\":
            if text[i + 1 : i + 2] in tuple("123456789"):
                raise UnsafePattern("backreferences are not allowed")
            i += 2
        elif char == "[":
            i = _class_end(text, i)
        elif char == "(":
            i = _group_start(text, i, stack)
        elif char == ")":
            atom = stack.pop()
            stack[-1].absorb(atom)
            i += 1
        elif char == "|":
            stack[-1].alternation = True
            i += 1
        elif char in "*+?" or _BRACES.match(text, i):
            i, variable, unbounded = _quantifier(text, i)
            if closed is not None and unbounded and (closed.repeats or closed.alternation):
                raise UnsafePattern(
                    "a repeated group must not contain a repetition or an alternation "
                    "(nested quantifiers backtrack exponentially)"
                )
            if variable:
                repeats += 1
                stack[-1].repeats = True
        else:
            i += 1
        closed = atom
    if repeats > MAX_REPEATS:
        raise UnsafePattern(f"{repeats} repetitions; at most {MAX_REPEATS} are allowed")


def _class_end(text: str, start: int) -> int:
    """The index after the character class opening at `start`."""
    i = start + 1
    if text[i : i + 1] == "^":
        i += 1
    if text[i : i + 1] == "]":
        i += 1
    while text[i] != "]":
        i += 2 if text[i] == "\\" else 1
    return i + 1


def _group_start(text: str, start: int, stack: list[_Group]) -> int:
    """Skip ``(`` and its extension; open a group unless it is only inline flags."""
    if text.startswith(("(?P=", "(?("), start):
        raise UnsafePattern("backreferences and conditional groups are not allowed")
    if text.startswith("(?#", start):
        return text.index(")", start) + 1
    extension = _EXTENSION.match(text, start + 1)
    if text.startswith("(?", start) and extension is None:
        return text.index(")", start) + 1  # global inline flags such as (?i)
    stack.append(_Group())
    return extension.end() if extension else start + 1


def _quantifier(text: str, start: int) -> tuple[int, bool, bool]:
    """(index after the quantifier and its lazy/possessive mark, variable?, more than once?)"""
    braces = _BRACES.match(text, start)
    if braces is None:
        end, low, high = start + 1, 0 if text[start] != "+" else 1, None
        if text[start] == "?":
            high = 1
    else:
        end = braces.end()
        low = int(braces[1] or 0)
        high = None if braces[2] and not braces[3] else int(braces[3] or braces[1])
    if text[end : end + 1] in ("?", "+"):
        end += 1
    return end, high != low, high is None or high > 1

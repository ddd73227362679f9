"""Selector patterns, compiled only when their worst case stays small.

Tag keys and values are short (128 characters for Alibaba keys, 255 for Huawei values), so
the risk is not the input but the pattern: a backtracking engine can take exponential time
on ``(a+)+$`` or ``(a|aa)*b`` and polynomial time of high degree on ``.*.*.*.*x``. Rather
than run `re` under a timeout (threads cannot be interrupted, signals are not available in
every function runtime), a regex is accepted only if it is structurally cheap. The check reads
the tree Python's own parser makes of it (``re._parser``; ``sre_parse`` on 3.10), so comments,
verbose mode, inline flags and escapes cannot hide anything from it:

- at most `MAX_PATTERN` characters;
- no backreference or conditional group (they make matching NP-hard);
- a *choice* is a variable repetition (``*``, ``+``, ``?``, ``{m,n}``) or an alternation;
  alternatives of single characters are a character set to the parser (``(a|b)`` is
  ``[ab]``), not a choice;
- no repetition that can run more than once (anything but ``?`` and ``{0,1}``) of a
  sub-pattern that holds a choice: the ways to split a text among the iterations grow
  exponentially with its length;
- at most `MAX_CHOICES` choices in all: each multiplies the ways to match a text by at most
  its length or its number of alternatives, which bounds the work to a low-degree
  polynomial of the text's length: milliseconds here. Alternations count as well, since a
  chain of ``(|a)`` groups is exponential without any repetition.

Globs are translated by `fnmatch`, whose regexes use atomic groups and never backtrack
badly, so only their length is limited. Both kinds must match the whole key or value.
"""

from __future__ import annotations

import fnmatch
import re
from typing import TYPE_CHECKING, Any

from tagstrip.domain.errors import FieldError, Location

if TYPE_CHECKING:
    import sre_parse as _parser  # typeshed describes the parser under this name only
else:
    try:
        from re import _parser
    except ImportError:  # Python 3.10 (Baidu CFC): the same parser under its old name
        import sre_parse as _parser

__all__ = ["MAX_CHOICES", "MAX_PATTERN", "compile_glob", "compile_regex"]

MAX_PATTERN = 128
MAX_CHOICES = 3
#: The parser's repetitions: greedy, lazy and (Python 3.11+) possessive.
_REPEATS = frozenset({"MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"})


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


def _check_cost(text: str) -> None:
    """Raise UnsafePattern for the constructs the module docstring lists (`text` compiles)."""
    choices = _choices(_parser.parse(text).data)
    if choices > MAX_CHOICES:
        raise UnsafePattern(
            f"{choices} repetitions and alternations; at most {MAX_CHOICES} are allowed"
        )


def _choices(items: list[Any]) -> int:
    """The variable repetitions and alternations in parsed `items`; raise UnsafePattern for
    a backreference, a conditional group, or a choice inside a repetition."""
    count = 0
    for op, value in items:
        kind = op.name
        if kind.startswith("GROUPREF"):  # (?P=x), \1, (?(1)a|b)
            raise UnsafePattern("backreferences and conditional groups are not allowed")
        if kind in _REPEATS:
            low, high, body = value
            inner = _choices(body.data)
            if inner and high > 1:
                raise UnsafePattern(
                    "a repetition must not contain a repetition or an alternation "
                    "(nested quantifiers backtrack exponentially)"
                )
            count += inner + (low != high)
        elif kind == "BRANCH":
            count += 1 + sum(_choices(branch.data) for branch in value[1])
        elif kind == "SUBPATTERN":
            count += _choices(value[-1].data)
        elif kind in ("ASSERT", "ASSERT_NOT"):
            count += _choices(value[1].data)
        elif kind == "ATOMIC_GROUP":
            count += _choices(value.data)
    return count

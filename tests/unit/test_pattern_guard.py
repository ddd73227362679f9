"""The regex guard decides on the parsed pattern, and what it accepts matches quickly.

The corpus is generated, not hand-picked: small regexes over a few atoms, groups,
alternations and quantifiers, some written with comments between an atom and its
quantifier, in verbose mode or under inline flags, the disguises a scan of the text missed.
Every pattern the guard accepts must fullmatch adversarial keys of up to 128 characters
within the bound; keys grow a few characters at a time, so a pattern that backtracks
exponentially fails on a short key instead of running for hours on a long one.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Iterator

import pytest

from tagstrip.domain.patterns import MAX_PATTERN, compile_regex

MATCH_WITHIN = 0.050
CORPUS_SIZE = 3000
#: Key lengths tried in turn: small steps while exponential work would still be short.
LENGTHS = (*range(4, 33, 4), 48, 64, 96, 128)
#: Keys that almost match: the engine tries every way to split them before it gives up.
KEYS: tuple[Callable[[int], str], ...] = (
    lambda n: "a" * (n - 1) + "!",
    lambda n: "a" * n,
    lambda n: ("ab" * n)[: n - 1] + "!",
    lambda n: "1" * (n - 1) + "!",
)
ATOMS = ("a", "b", ".", r"\w", "[ab]", r"\x61")
QUANTIFIERS = ("", "", "*", "+", "?", "{2}", "{1,3}", "{2,}", "*?", "+?")
GROUPS = ("(", "(?:", "(?i:", "(?P<g>")


def _terms(rng: random.Random, depth: int, verbose: bool) -> list[str]:
    """The tokens of one to three terms, each a piece and its quantifier."""
    tokens: list[str] = []
    for _ in range(rng.randint(1, 3)):
        if depth and rng.random() < 0.45:
            body = _terms(rng, depth - 1, verbose)
            if rng.random() < 0.4:
                body += ["|", *_terms(rng, depth - 1, verbose)]
            tokens += [rng.choice(GROUPS), *body, ")"]
        else:
            tokens.append(rng.choice(ATOMS))
        quantifier = rng.choice(QUANTIFIERS)
        if quantifier and rng.random() < 0.2:
            tokens.append("(?#c)")
        if quantifier and verbose and rng.random() < 0.2:
            tokens.append("# c\n")
        tokens.append(quantifier)
    return tokens


def corpus() -> Iterator[str]:
    """The same `CORPUS_SIZE` distinct patterns on every run."""
    rng, seen = random.Random(14), set[str]()
    while len(seen) < CORPUS_SIZE:
        verbose = rng.random() < 0.2
        tokens = _terms(rng, 3, verbose)
        pattern = "(?x)" + " ".join(tokens) if verbose else "".join(tokens)
        if rng.random() < 0.1:
            pattern = "(?i)" + pattern
        if len(pattern) <= MAX_PATTERN and pattern not in seen:
            seen.add(pattern)
            yield pattern


def _seconds(match: Callable[[str], object], key: str) -> float:
    started = time.perf_counter()
    match(key)
    return time.perf_counter() - started


def _slowest(match: Callable[[str], object]) -> tuple[float, str]:
    """The slowest fullmatch over the keys, stopping at the first one past the bound; a slow
    time is measured twice more and the best kept, so a busy machine is not blamed on it."""
    worst = (0.0, "")
    for length in LENGTHS:
        for make in KEYS:
            key = make(length)
            took = _seconds(match, key)
            if took > MATCH_WITHIN:
                took = min(took, _seconds(match, key), _seconds(match, key))
            worst = max(worst, (took, key))
            if took > MATCH_WITHIN:
                return worst
    return worst


def test_every_accepted_pattern_of_the_corpus_matches_adversarial_keys_quickly() -> None:
    accepted = [pattern for pattern in corpus() if compile_regex(pattern, ("p",))[0]]
    assert len(accepted) > CORPUS_SIZE // 10  # the guard leaves plenty to time
    slow = []
    for pattern in accepted:
        compiled, _ = compile_regex(pattern, ("p",))
        assert compiled is not None
        took, key = _slowest(compiled.fullmatch)
        if took > MATCH_WITHIN:
            slow.append(f"{pattern!r} took {took * 1000:.0f} ms on {key!r}")
    assert not slow, slow


@pytest.mark.parametrize(
    "pattern",
    [
        "(a+)(?#c)+",
        "(?x)(a+) +",
        "(a|aa)(?#x)*",
        "(?x)(a # one or more\n+)+",
        "(?x)(a|a a)*",
        r"(\x61+)+",
        "(?i:(?:a+))*",
        "(?=a+)*b",
    ],
)
def test_disguised_nested_repetitions_are_refused(pattern: str) -> None:
    compiled, errors = compile_regex(pattern, ("p",))
    assert compiled is None
    assert [error.type for error in errors] == ["unsafe_pattern"]
    assert "must not contain a repetition or an alternation" in errors[0].message


def test_a_chain_of_alternations_counts_as_choices_without_any_repetition() -> None:
    compiled, errors = compile_regex("(|a)" * 8, ("p",))
    assert compiled is None
    assert errors[0].message.endswith("8 repetitions and alternations; at most 3 are allowed")


@pytest.mark.parametrize(
    "pattern",
    [
        "tmp-.*",
        "ci-run-[0-9]+",
        "(?i)env-(dev|test|prod)",
        r"(?x) tmp - \d+  # build number",
        "(?:ab)+-(a|b)*",
        "[a-z]+(?#key)-v[0-9]{1,3}",
        "(kubernetes|k8s)\\.io/.+",
    ],
)
def test_common_patterns_are_accepted(pattern: str) -> None:
    compiled, errors = compile_regex(pattern, ("p",))
    assert compiled is not None, errors

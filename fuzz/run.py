"""Run the fuzz target (`targets.one_input`): coverage-guided with atheris, or with hypothesis.

    python fuzz/run.py [libFuzzer flags] [CORPUS_DIR ...]    atheris (what make fuzz runs)
    python fuzz/run.py --hypothesis [--max-examples N]       without atheris

The hypothesis mode draws raw bytes, JSON documents and mutated sample events; it finds
less than a coverage-guided run but needs nothing beyond the test extra.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))


def main(argv: list[str]) -> int:
    if "--hypothesis" in argv:
        return _hypothesis(argv[1:])
    import atheris

    with atheris.instrument_imports(include=["tagstrip"]):
        from targets import one_input

    atheris.Setup(argv, one_input)
    atheris.Fuzz()
    return 0


def _hypothesis(args: list[str]) -> int:
    from hypothesis import given, settings
    from hypothesis import strategies as st
    from targets import ROOT, one_input

    parser = argparse.ArgumentParser(prog="fuzz/run.py --hypothesis")
    parser.add_argument("--hypothesis", action="store_true")
    parser.add_argument("--max-examples", type=int, default=2000)
    options = parser.parse_args(args)
    samples = [p.read_bytes() for p in sorted((ROOT / "events").rglob("*.json"))]
    json_text = st.recursive(
        st.none() | st.booleans() | st.integers() | st.floats() | st.text(),
        lambda inner: st.lists(inner) | st.dictionaries(st.text(), inner),
    ).map(lambda value: __import__("json").dumps(value).encode())
    mutated = st.tuples(st.sampled_from(samples), st.integers(0, 4096), st.binary(max_size=8)).map(
        lambda t: t[0][: t[1]] + t[2] + t[0][t[1] + len(t[2]) :]
    )

    @settings(max_examples=options.max_examples, deadline=None, database=None)
    @given(data=st.binary() | json_text | mutated | st.sampled_from(samples))
    def fuzz(data: bytes) -> None:
        one_input(data)

    fuzz()
    print(f"fuzz: {options.max_examples} hypothesis examples, no failure")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))

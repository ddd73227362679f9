"""Render docs/flow.txt into docs/flow.svg: a left-to-right row of labelled boxes and arrows.

The picture in README.md is generated, never drawn by hand, so that it changes with its text
source; plain Python writes plain SVG, so neither CI nor a contributor needs graphviz.
`make diagram` regenerates it, and tests/unit/test_docs.py fails when the committed SVG is
not what this script makes of the committed source.

Source format: one stage per line, ``Title | detail, detail, ...``; each detail becomes one
line of small text under the title. Blank lines and lines starting with ``#`` are skipped.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape

__all__ = ["Stage", "parse", "render"]

ROOT = Path(__file__).resolve().parent.parent
SOURCE, TARGET = ROOT / "docs" / "flow.txt", ROOT / "docs" / "flow.svg"

BOX_WIDTH, GAP, MARGIN = 168, 34, 12
TITLE_SIZE, DETAIL_SIZE, LINE_HEIGHT, PADDING = 14, 11.5, 16, 12
FONT = "font-family='Helvetica, Arial, sans-serif'"


@dataclass(frozen=True)
class Stage:
    """One box: a title and the lines under it."""

    title: str
    details: tuple[str, ...]


def parse(text: str) -> list[Stage]:
    """The stages of `text`; a line without a title is a ValueError naming its number."""
    stages = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        title, _, rest = line.partition("|")
        if not title.strip():
            raise ValueError(f"line {number}: a stage needs a title before '|'")
        details = tuple(part.strip() for part in rest.split(",") if part.strip())
        stages.append(Stage(title.strip(), details))
    if not stages:
        raise ValueError("no stage in the source")
    return stages


def render(stages: list[Stage]) -> str:
    """The SVG document: boxes of equal height in one row, an arrow between neighbours."""
    lines = max(len(stage.details) for stage in stages)
    box_height = 2 * PADDING + LINE_HEIGHT + 4 + lines * LINE_HEIGHT
    width = 2 * MARGIN + len(stages) * BOX_WIDTH + (len(stages) - 1) * GAP
    height = 2 * MARGIN + box_height
    out = [
        f"<svg xmlns='http://www.w3.org/2000/svg' width='{width}' height='{height}' "
        f"viewBox='0 0 {width} {height}'>",
        "<defs><marker id='arrow' markerWidth='10' markerHeight='8' refX='9' refY='4' "
        "orient='auto'><path d='M0,0 L10,4 L0,8 z' fill='#444'/></marker></defs>",
        f"<rect width='{width}' height='{height}' fill='#ffffff'/>",
    ]
    middle = MARGIN + box_height // 2
    for index, stage in enumerate(stages):
        left = MARGIN + index * (BOX_WIDTH + GAP)
        centre = left + BOX_WIDTH // 2
        out.append(
            f"<rect x='{left}' y='{MARGIN}' width='{BOX_WIDTH}' height='{box_height}' rx='8' "
            "fill='#eef4fb' stroke='#2f5d8a' stroke-width='1.5'/>"
        )
        baseline = MARGIN + PADDING + TITLE_SIZE
        out.append(
            f"<text x='{centre}' y='{baseline}' {FONT} font-size='{TITLE_SIZE}' "
            f"font-weight='bold' text-anchor='middle' fill='#1b3650'>{escape(stage.title)}</text>"
        )
        for row, detail in enumerate(stage.details, start=1):
            y = baseline + 4 + row * LINE_HEIGHT
            out.append(
                f"<text x='{centre}' y='{y}' {FONT} font-size='{DETAIL_SIZE}' "
                f"text-anchor='middle' fill='#333333'>{escape(detail)}</text>"
            )
        if index:
            out.append(
                f"<line x1='{left - GAP + 2}' y1='{middle}' x2='{left - 2}' y2='{middle}' "
                "stroke='#444' stroke-width='1.5' marker-end='url(#arrow)'/>"
            )
    out.append("</svg>")
    return "\n".join(out) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source", nargs="?", type=Path, default=SOURCE)
    parser.add_argument("target", nargs="?", type=Path, default=TARGET)
    args = parser.parse_args(argv)
    try:
        svg = render(parse(args.source.read_text(encoding="utf-8")))
    except (OSError, ValueError) as exc:
        sys.stderr.write(f"{args.source}: {exc}\n")
        return 2
    args.target.write_text(svg, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())

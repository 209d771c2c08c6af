"""Geometry of the small server-rendered SVG charts; templates/_macros/charts.html draws them.

Charts use presentation attributes and CSS classes (no style attributes, which the CSP
forbids) and always carry their numbers as text, so they are readable without colour.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Segment:
    """One stance in a stacked bar: a rectangle with a text label."""

    key: str
    count: int
    percent: int
    x: float
    width: float


def stacked_bar(counts: dict, width: float = 300.0) -> list[Segment]:
    """Lay out counts (in order) as segments of a bar ``width`` wide."""
    total = sum(counts.values())
    segments, x = [], 0.0
    for key, count in counts.items():
        share = count / total if total else 0
        segment_width = round(width * share, 2)
        segments.append(Segment(key=str(key), count=count, percent=round(share * 100),
                                x=round(x, 2), width=segment_width))
        x += segment_width
    return segments

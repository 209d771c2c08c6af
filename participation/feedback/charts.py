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


@dataclass(frozen=True)
class Column:
    """One period in a column chart."""

    label: str
    count: int
    x: float
    y: float
    width: float
    height: float


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


def columns(values: list[tuple[str, int]], width: float = 360.0, height: float = 100.0,
            gap: float = 4.0) -> list[Column]:
    """Lay out (label, count) pairs as columns in a ``width`` x ``height`` plot area."""
    if not values:
        return []
    top = max(count for _, count in values) or 1
    column_width = (width - gap * (len(values) - 1)) / len(values)
    result = []
    for index, (label, count) in enumerate(values):
        column_height = round(height * count / top, 2)
        result.append(Column(label=label, count=count,
                             x=round(index * (column_width + gap), 2),
                             y=round(height - column_height, 2),
                             width=round(column_width, 2), height=column_height))
    return result


def funnel(steps: list[tuple[str, int]], width: float = 300.0) -> list[Segment]:
    """Lay out funnel steps as bars scaled to the first step; percent is of the step before."""
    first = steps[0][1] if steps else 0
    segments, previous = [], first
    for label, count in steps:
        segments.append(Segment(
            key=label, count=count, percent=round(100 * count / previous) if previous else 0,
            x=0.0, width=round(width * min(count / first, 1), 2) if first else 0.0,
        ))
        previous = count
    return segments

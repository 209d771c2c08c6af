"""Lines read from COPY travel in chunks (``copy.Lines``): the same files as line by line."""

from __future__ import annotations

import json

from participation.exports import writers
from participation.exports.copy import Lines
from participation.exports.writers import Column, Sheet

OBJECTS = [{"n": n, "text": f"line {n}\nwith a break, \"quotes\" and ümlauts"} for n in range(500)]
LINES = [json.dumps(item, ensure_ascii=False).encode() + b"\n" for item in OBJECTS]


def _chunked(lines: list[bytes], size: int) -> list[Lines]:
    chunks = []
    for start in range(0, len(lines), size):
        chunk = Lines(b"".join(lines[start:start + size]))
        chunk.rows = len(lines[start:start + size])
        chunks.append(chunk)
    return chunks


def _sheet(**lines) -> Sheet:
    return Sheet(name="t", columns=[Column("n", "n")], rows=[], **lines)


def test_a_json_array_from_chunks_is_the_array_from_single_lines():
    by_line = b"".join(writers.json_chunks(_sheet(json_lines=iter(LINES))))
    for size in (1, 7, 64, 500):
        by_chunk = b"".join(writers.json_chunks(_sheet(json_lines=iter(_chunked(LINES, size)))))
        assert by_chunk == by_line
    assert json.loads(by_line) == OBJECTS


def test_a_csv_file_from_chunks_is_the_file_from_single_lines():
    lines = [b'"%d","x, y"\n' % n for n in range(2000)]
    by_line = b"".join(writers.csv_chunks(_sheet(csv_lines=iter(lines))))
    by_chunk = b"".join(writers.csv_chunks(_sheet(csv_lines=iter(_chunked(lines, 300)))))
    assert by_chunk == by_line
    assert by_line.count(b"\n") == 2001  # the heading and every line


def test_chunks_say_how_many_rows_they_hold():
    chunks = _chunked(LINES, 64)
    assert sum(chunk.rows for chunk in chunks) == len(LINES)
    assert all(isinstance(chunk, bytes) for chunk in chunks)

"""Cells that a spreadsheet would run as a formula are neutralised."""

import pytest

from participation.exports.cells import neutralise_cell


@pytest.mark.parametrize("value", ["=1+1", "+31 9", "-2", "@SUM(A1)", "\tx", "\rx",
                                   "=HYPERLINK(\"http://evil\")"])
def test_formula_like_text_gets_a_leading_quote(value):
    assert neutralise_cell(value) == "'" + value


@pytest.mark.parametrize("value", ["Plain text", "", None, 42, -3, 1.5, "a=b"])
def test_other_values_are_left_alone(value):
    assert neutralise_cell(value) == value

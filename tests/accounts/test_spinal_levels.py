"""parse_spinal_levels: spinal levels as clinicians write them (docs/api.md), as a table of cases."""

import pytest

from tracker.accounts.levels import SpinalLevelsError, parse_spinal_levels

PARSED = [
    ("T8", ["T8"]),
    ("T8-T10", ["T8", "T9", "T10"]),
    ("t12\u2013l2", ["T12", "L1", "L2"]),  # en dash, lower case, across a region boundary
    ("C7/T1", ["C7", "T1"]),
    ("T8, T9, L1", ["T8", "T9", "L1"]),
    ("T8 T9 L1", ["T8", "T9", "L1"]),
    ("T8 - T10", ["T8", "T9", "T10"]),
    ("T8\u2014T9", ["T8", "T9"]),  # em dash
    ("T8-10", ["T8", "T9", "T10"]),  # the end's region taken from the start
    ("L4-S2", ["L4", "L5", "S1", "S2"]),
    ("C6-T2", ["C6", "C7", "T1", "T2"]),
    ("T9, T8-T10", ["T9", "T8", "T10"]),  # as written, each once
    ("t08", ["T8"]),
    ("sacrum, L5", ["Sacrum", "L5"]),
    ("", []),
    ("  ,  ", []),
    (["T10", "L1"], ["T10", "L1"]),  # the list the API always took
    (["T8-T10", "l1"], ["T8", "T9", "T10", "L1"]),
    ([], []),
]

REFUSED = [
    ("T10-T8", "T10-T8"),  # reversed
    ("L2\u2013T12", "L2-T12"),
    ("T13", "T13"),
    ("C8", "C8"),
    ("X1", "X1"),
    ("T8-T13", "T8-T13"),
    ("T8--T10", "T8--T10"),
    ("T8-T9-T10", "T8-T9-T10"),
    ("L5-Sacrum", "L5-Sacrum"),
    ("10", "10"),
    (["T8", "bad"], "bad"),
]


@pytest.mark.parametrize(("written", "levels"), PARSED)
def test_levels_are_read_as_clinicians_write_them(written, levels):
    assert parse_spinal_levels(written) == levels


@pytest.mark.parametrize(("written", "named"), REFUSED)
def test_an_unknown_level_or_reversed_range_is_refused_by_name(written, named):
    with pytest.raises(SpinalLevelsError) as excinfo:
        parse_spinal_levels(written)
    assert named in str(excinfo.value)


def test_a_reversed_range_says_which_way_to_write_it():
    with pytest.raises(SpinalLevelsError, match="T8-T10"):
        parse_spinal_levels("T10-T8")


@pytest.mark.parametrize("written", [[1, 2], ["T8", None], "T8," * 100])
def test_other_shapes_and_very_long_text_are_refused(written):
    with pytest.raises(SpinalLevelsError):
        parse_spinal_levels(written)

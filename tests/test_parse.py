"""Parsing a column of text by its schema kind: typed values, and a problem (never a crash) for a bad cell."""

import pandas as pd

from schemas.columns import columns_of
from schemas.kinds import KINDS
from schemas.parse import ParseContext, parse_column


def an_integer_column():
    for kind in KINDS:
        for sheet in kind.sheets:
            for info in columns_of(sheet.model):
                if info.kind == "int":
                    return info
    raise AssertionError("no integer column in the schemas")


def test_an_integer_too_big_for_any_count_is_a_problem_and_the_column_still_parses():
    texts = pd.Series(["72", "1" * 40, "-" + "9" * 20, "9007199254740993", "36,0"], index=[2, 3, 4, 5, 6])
    values, problems = parse_column(texts, an_integer_column(), ParseContext({"01": "Когалым"}))
    assert str(values.dtype) == "Int64"
    assert values.tolist()[0] == 72 and values.tolist()[-1] == 36
    assert [(p.index, p.code) for p in problems if p.code != "normalised"] == [
        (3, "not_an_integer"),
        (4, "not_an_integer"),
        (5, "not_an_integer"),
    ]

"""A frame's rows per value of a column, sorted once: the lookups a section makes for each of its pages."""

import pandas as pd


class RowsBy:
    """rows(code) is frame[frame[column] == code] sorted stably by order, as one filter per page gave it.
    A stable sort commutes with a filter, so the frame is sorted once and split once."""

    def __init__(self, frame: pd.DataFrame | None, column: str, order: list[str], as_text: bool = False):
        self.frame = frame
        if frame is None:
            self.groups = {}
            return
        ordered = frame.sort_values(order, kind="stable")
        keys = ordered[column].astype(str) if as_text else ordered[column]
        self.empty = ordered.iloc[0:0]
        self.groups = {code: rows for code, rows in ordered.groupby(keys, sort=False, dropna=True)}

    def __call__(self, code: object) -> pd.DataFrame | None:
        if self.frame is None:
            return None
        return self.groups.get(code, self.empty)

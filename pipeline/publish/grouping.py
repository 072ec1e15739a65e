"""A frame's rows per value of a column, sorted once: the lookups a section makes for each of its pages."""

import hashlib

import numpy as np
import pandas as pd


class RowsBy:
    """rows(code) is frame[frame[column] == code] sorted stably by order, as one filter per page gave it.
    A stable sort commutes with a filter, so the frame is sorted once and split once."""

    def __init__(self, frame: pd.DataFrame | None, column: str, order: list[str], as_text: bool = False):
        self.frame = frame
        self._digests: dict | None = None
        if frame is None:
            self.groups = {}
            return
        ordered = frame.sort_values(order, kind="stable")
        keys = ordered[column].astype(str) if as_text else ordered[column]
        self.empty = ordered.iloc[0:0]
        self._ordered = ordered
        grouped = ordered.groupby(keys, sort=False, dropna=True)
        self.groups = {code: rows for code, rows in grouped}
        self._positions = grouped.indices  # code -> the positions of its rows in ordered

    def __call__(self, code: object) -> pd.DataFrame | None:
        if self.frame is None:
            return None
        return self.groups.get(code, self.empty)

    def digest(self, code: object) -> str:
        """A hash of rows(code) as a page shows them (columns, dtypes, values in order; not their labels), made
        from one hashing pass over the whole frame: a section's pages are keyed without hashing a frame each."""
        if self.frame is None:
            return "none"
        if self._digests is None:
            self._digests = row_digests(self._ordered, self._positions)
        return self._digests.get(code) or self._digests[_EMPTY]


_EMPTY = object()  # the key of the digest of no rows


def row_digests(frame: pd.DataFrame, positions: dict[object, np.ndarray]) -> dict[object, str]:
    """For each group (its rows' positions in frame, in order), a sha256 of the frame's columns and dtypes and
    of its rows' hashes."""
    shape = repr([(str(c), str(t)) for c, t in frame.dtypes.items()]).encode()
    hashes = pd.util.hash_pandas_object(frame, index=False).to_numpy()
    digests = {_EMPTY: hashlib.sha256(shape).hexdigest()}
    for code, at in positions.items():
        digest = hashlib.sha256(shape)
        digest.update(np.ascontiguousarray(hashes[at]).tobytes())
        digests[code] = digest.hexdigest()
    return digests

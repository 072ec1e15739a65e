"""Sheets cut out of one frame, slice by slice: the same workbook whichever way the rows were taken."""

import numpy as np
import pandas as pd
import pytest

from pipeline.workbooks import FrameSlices, frame_to_sheet, write_workbook


def _frame(rows: int) -> pd.DataFrame:
    """Every kind of column the reports show, with missing values in each."""
    n = np.arange(rows)
    return pd.DataFrame(
        {
            "org_code": pd.array([f"{100000 + i % 7:06d}" for i in n], dtype="string[pyarrow]"),
            "surname": pd.Series([None if i % 11 == 0 else f"Иванова-{i}" for i in n], dtype=object),
            "birth_year": pd.array([None if i % 13 == 0 else 1960 + i % 40 for i in n], dtype="Int64"),
            "hours": [float("nan") if i % 5 == 0 else 36.0 + i % 3 for i in n],
            "count": n * 2,
            "placed": n % 2 == 0,
            "start": pd.to_datetime(["2026-10-15"] * rows) + pd.to_timedelta(n % 4, unit="D"),
            "formula_like": [f"=SUM(A{i})" if i % 3 == 0 else f"+7 {i}" for i in n],
        }
    ).assign(start=lambda f: f["start"].where(n % 9 != 0))


@pytest.mark.parametrize("rows", [0, 1, 40, 300])
def test_slices_give_the_sheets_of_the_slices_cut_out(rows, tmp_path):
    frame = _frame(rows)
    headers = {"org_code": "Код организации", "surname": "Фамилия", "start": "Начало"}
    indices = frame.groupby("org_code", sort=True).indices
    # more slices than are cut out one by one, so the later ones come from the whole frame displayed once
    groups = sorted(indices) * 3
    assert rows < 40 or len(groups) > FrameSlices.WHOLE_AFTER
    slices = FrameSlices(frame, headers)
    for group in groups:
        positions = indices[group]
        expected = frame_to_sheet("Заявки", frame.iloc[positions], headers, title=group, text_columns={0})
        sheet = slices.sheet("Заявки", positions, title=group, text_columns={0})
        assert sheet == expected
    if groups:  # and the last one, from the whole frame, written to the same bytes
        a = write_workbook(tmp_path / "cut.xlsx", [expected], title="Заявки")
        b = write_workbook(tmp_path / "slice.xlsx", [sheet], title="Заявки")
        assert a.read_bytes() == b.read_bytes()

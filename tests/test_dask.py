"""The same pandera schemas validate a Dask frame, partition by partition, as they validate a pandas one."""

import pandas as pd
import pandera.errors
import pytest

from pipeline.config import load_config
from pipeline.intake.discover import list_input_files
from pipeline.intake.take_in import META_COLUMNS, take_in
from schemas.columns import columns_of
from schemas.kinds import KINDS_BY_SLUG
from tests.intake_cases import base_region

dd = pytest.importorskip("dask.dataframe")

STAFF = KINDS_BY_SLUG["staff"].main_sheet


def typed_staff(root) -> pd.DataFrame:
    records = take_in(list_input_files(root), root, load_config(root)).records["staff"]
    frame = records.drop(columns=list(META_COLUMNS))
    for info in columns_of(STAFF.model):
        # Records in force carry an all-empty column as float NaN; the schema wants its own dtypes.
        if info.kind in ("int", "year"):
            frame[info.name] = frame[info.name].astype("Int64")
        elif frame[info.name].isna().all():
            frame[info.name] = frame[info.name].astype("str")
    return frame


def test_a_dask_frame_validates_lazily_and_fails_like_pandas(tmp_path):
    frame = typed_staff(base_region(tmp_path / "inputs"))
    many = pd.concat([frame] * 50, ignore_index=True)
    lazy = STAFF.model.validate(dd.from_pandas(many, npartitions=4), lazy=True)
    # Dask keeps text as pyarrow strings with NA; the values are the same.
    pd.testing.assert_frame_equal(
        lazy.compute().reset_index(drop=True), STAFF.model.validate(many), check_dtype=False
    )

    broken = many.copy()
    broken.loc[77, "position"] = "завхоз"
    with pytest.raises(pandera.errors.SchemaErrors) as pandas_error:
        STAFF.model.validate(broken, lazy=True)
    with pytest.raises(pandera.errors.SchemaErrors) as dask_error:
        STAFF.model.validate(dd.from_pandas(broken, npartitions=4), lazy=True).compute()
    for error in (pandas_error.value, dask_error.value):
        cases = error.failure_cases
        assert set(cases["column"]) == {"position"} and set(cases["failure_case"]) == {"завхоз"}

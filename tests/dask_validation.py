"""Run apart, with Dask on the path (tests/test_dask.py): the staff registry of a region's inputs validated by the
same pandera model as a Dask frame and as a pandas one, whole and with one bad value. Prints what each found, as
JSON. `python -m tests.dask_validation INPUTS`"""

import json
import sys
from pathlib import Path

import pandas as pd
import pandera.errors

from pipeline.config import load_config
from pipeline.intake.discover import list_input_files
from pipeline.intake.take_in import META_COLUMNS, take_in
from schemas.columns import columns_of
from schemas.kinds import KINDS_BY_SLUG

STAFF = KINDS_BY_SLUG["staff"].main_sheet
PARTITIONS = 4


def typed_staff(root: Path) -> pd.DataFrame:
    records = take_in(list_input_files(root), root, load_config(root)).records["staff"]
    frame = records.drop(columns=list(META_COLUMNS))
    for info in columns_of(STAFF.model):
        # Records in force carry an all-empty column as float NaN; the schema wants its own dtypes.
        if info.kind in ("int", "year"):
            frame[info.name] = frame[info.name].astype("Int64")
        elif frame[info.name].isna().all():
            frame[info.name] = frame[info.name].astype("str")
    return frame


def failures(validate) -> list[tuple[str, str]]:
    """The (column, value) pairs a validation fails on; none when it passes."""
    try:
        validate()
    except pandera.errors.SchemaErrors as error:
        cases = error.failure_cases
        return sorted({(str(c), str(v)) for c, v in zip(cases["column"], cases["failure_case"], strict=True)})
    return []


def main(inputs: Path) -> dict:
    import dask.dataframe as dd

    frame = typed_staff(inputs)
    many = pd.concat([frame] * 50, ignore_index=True)
    lazy = STAFF.model.validate(dd.from_pandas(many, npartitions=PARTITIONS), lazy=True)
    # Dask keeps text as pyarrow strings with NA; the values are the same.
    validated = lazy.compute().reset_index(drop=True)
    try:
        pd.testing.assert_frame_equal(validated, STAFF.model.validate(many), check_dtype=False)
        same = True
    except AssertionError:
        same = False
    broken = many.copy()
    broken.loc[77, "position"] = "завхоз"
    return {
        "dask_version": sys.modules["dask"].__version__,
        "partitions": lazy.npartitions,
        "rows": len(validated),
        "same_as_pandas": same,
        "pandas_failures": failures(lambda: STAFF.model.validate(broken, lazy=True)),
        "dask_failures": failures(
            lambda: STAFF.model.validate(dd.from_pandas(broken, npartitions=PARTITIONS), lazy=True).compute()
        ),
    }


if __name__ == "__main__":
    print(json.dumps(main(Path(sys.argv[1])), ensure_ascii=False))

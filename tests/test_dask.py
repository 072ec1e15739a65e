"""The same pandera schemas validate a Dask frame, partition by partition, as they validate a pandas one.

Dask is not installed into the venv itself (tests/dask-requirements.txt says why): the check runs in a process of
its own with .venv/dask on its path."""

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.intake_cases import base_region

ROOT = Path(__file__).resolve().parent.parent
DASK_LIB = Path(sys.prefix) / "dask"


def test_dask_is_not_importable_by_the_pipeline_itself():
    """Were it importable, pandera would import it in every process that builds a schema."""
    found = subprocess.run(
        [sys.executable, "-c", "import importlib.util; print(importlib.util.find_spec('dask') is None)"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        env={k: v for k, v in os.environ.items() if k != "PYTHONPATH"},
    )
    assert found.stdout.strip() == "True"


def test_a_dask_frame_validates_lazily_and_fails_like_pandas(tmp_path):
    inputs = base_region(tmp_path / "inputs")
    assert (DASK_LIB / "dask").is_dir(), f"Dask is installed by `make test` into {DASK_LIB}"
    done = subprocess.run(
        [sys.executable, "-m", "tests.dask_validation", str(inputs)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env=dict(os.environ, PYTHONPATH=os.pathsep.join([str(ROOT), str(DASK_LIB)])),
    )
    assert done.returncode == 0, done.stderr
    found = json.loads(done.stdout.splitlines()[-1])
    assert found["dask_version"] == "2026.8.0"
    assert found["partitions"] == 4 and found["rows"] > 0
    assert found["same_as_pandas"]
    assert found["pandas_failures"] == found["dask_failures"] == [["position", "завхоз"]]

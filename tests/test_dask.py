"""The same pandera schemas validate a Dask frame, partition by partition, as they validate a pandas one.

Dask is not installed into the venv itself (tests/dask-requirements.txt says why): the check runs in a process of
its own with .venv/dask on its path."""

import json
import os
import subprocess
import sys
from pathlib import Path

from pipeline.config import load_config
from pipeline.intake.discover import list_input_files
from pipeline.intake.take_in import CLUSTER_ENV, take_in
from tests.intake_cases import base_region
from tests.whole_runs import assert_same_files

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


def _with_dask(module: str, *args: Path) -> tuple[dict, str]:
    """Run `python -m module args` in a process of its own with Dask on its path: the JSON its last line prints
    and what it said on stderr."""
    assert (DASK_LIB / "dask").is_dir(), f"Dask is installed by `make test` into {DASK_LIB}"
    done = subprocess.run(
        [sys.executable, "-m", module, *map(str, args)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env=dict(os.environ, PYTHONPATH=os.pathsep.join([str(ROOT), str(DASK_LIB)])),
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.splitlines()[-1]), done.stderr


def test_a_dask_frame_validates_lazily_and_fails_like_pandas(tmp_path):
    inputs = base_region(tmp_path / "inputs")
    found, _ = _with_dask("tests.dask_validation", inputs)
    assert found["dask_version"] == "2026.8.0"
    assert found["partitions"] == 4 and found["rows"] > 0
    assert found["same_as_pandas"]
    assert found["pandas_failures"] == found["dask_failures"] == [["position", "завхоз"]]


def test_a_run_reads_its_files_on_a_dask_cluster_with_the_same_outputs(tmp_path):
    """ASUPK_DASK_SCHEDULER sends the intake's reads to a cluster's workers, one task per file; the run's reports
    are those of a run that reads here. A cluster that does not answer is said so, and the files are read here."""
    inputs = base_region(tmp_path / "inputs")
    found, said = _with_dask("tests.dask_cluster", inputs, tmp_path / "out")
    assert found["workers"] == 2 and found["worker_pids_are_not_this_process"]
    assert found["tasks"] == found["files"] >= 5
    assert_same_files(tmp_path / "out" / "here", tmp_path / "out" / "cluster")
    assert_same_files(tmp_path / "out" / "here", tmp_path / "out" / "gone")
    assert "кластер Dask по адресу tcp://" in said and "Файлы читаются на этой машине." in said


def test_a_cluster_named_without_distributed_installed_is_said_and_the_files_are_read_here(
    tmp_path, monkeypatch, capsys
):
    inputs = base_region(tmp_path / "inputs")
    monkeypatch.setenv(CLUSTER_ENV, "tcp://127.0.0.1:8786")
    monkeypatch.setenv("ASUPK_INTAKE_CACHE", "off")
    files = list_input_files(inputs)
    result = take_in(files, inputs, load_config(inputs))
    assert len(result.submissions) == len(files) and len(result.records["staff"]) > 0
    assert capsys.readouterr().err == (
        f"Внимание: задан кластер Dask ({CLUSTER_ENV}=tcp://127.0.0.1:8786), но пакет distributed не установлен "
        "(pip install distributed). Файлы читаются на этой машине.\n"
    )

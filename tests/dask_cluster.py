"""Run apart, with Dask on the path (tests/test_dask.py): `pipeline run` of a region's inputs twice, once reading
here, once with its intake reading every file on the workers of a local Dask cluster (ASUPK_DASK_SCHEDULER) and
once with the address of a cluster that does not answer. Prints, as JSON, how many files there were and how many
tasks the cluster's workers ran.
`python -m tests.dask_cluster INPUTS OUT`"""

import json
import os
import sys
from pathlib import Path

from pipeline.intake.discover import list_input_files
from pipeline.intake.take_in import CLUSTER_ENV
from tests.whole_runs import run_into

WORKERS = 2


def main(inputs: Path, out: Path) -> dict:
    from distributed import Client, LocalCluster

    os.environ["ASUPK_INTAKE_CACHE"] = "off"  # every file is read in both runs
    os.environ["ASUPK_MEMO_CACHE"] = "off"
    run_into(inputs, out / "here", site=False)
    with (
        LocalCluster(
            n_workers=WORKERS, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
        Client(cluster) as client,
    ):
        os.environ[CLUSTER_ENV] = cluster.scheduler_address
        run_into(inputs, out / "cluster", site=False)
        executed = client.run(lambda dask_worker: (os.getpid(), dask_worker.state.executed_count))
    os.environ[CLUSTER_ENV] = cluster.scheduler_address  # closed now: nothing answers there
    run_into(inputs, out / "gone", site=False)
    return {
        "files": len(list_input_files(inputs)),
        "workers": len(executed),
        "tasks": sum(count for _, count in executed.values()),
        "worker_pids_are_not_this_process": all(pid != os.getpid() for pid, _ in executed.values()),
    }


if __name__ == "__main__":
    print(json.dumps(main(Path(sys.argv[1]), Path(sys.argv[2]))))

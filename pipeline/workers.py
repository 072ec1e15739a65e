"""The worker processes of a large run (workbook writers, the quality gate's validator, the site builders, the
solver's) are forked by one forkserver. Started as soon as the intake knows the run is large, it imports what the
writers and the builders need once (pipeline.forkserver_preload) while the intake reads the files."""

import multiprocessing
from multiprocessing import forkserver

PRELOAD = ("__main__", "pipeline.forkserver_preload")  # __main__: the default's own preload, kept


def start_forkserver(files: int) -> None:
    """For a run of many files on more than one core: the forkserver, preloaded, starting now in the background.
    A forkserver already running (an earlier run in this process) is used as it is."""
    from pipeline.quality import WARM_UP_FROM

    if files < WARM_UP_FROM or (multiprocessing.cpu_count() or 1) < 2:
        return
    multiprocessing.set_forkserver_preload(list(PRELOAD))
    forkserver.ensure_running()

"""The forkserver of a large run: its workers start with the writers' and the site builders' imports done."""

import subprocess
import sys

from pipeline import paths

PROBE = """
import sys, multiprocessing
from concurrent.futures import ProcessPoolExecutor


def probe():
    imported = "mkdocs.config" in sys.modules and "xlsxwriter" in sys.modules
    from pipeline.publish import page_cache

    return imported, bool(page_cache._THEME_FILES)


if __name__ == "__main__":
    from pipeline.workers import start_forkserver

    start_forkserver(int(sys.argv[1]))
    with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("forkserver")) as pool:
        print(*pool.submit(probe).result())
"""


def run_probe(tmp_path, files: int) -> str:
    script = tmp_path / "probe.py"
    script.write_text(PROBE, encoding="utf-8")
    done = subprocess.run(
        [sys.executable, str(script), str(files)],
        cwd=paths.ROOT,
        env={"PYTHONPATH": str(paths.ROOT), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_a_large_runs_workers_start_with_mkdocs_the_theme_and_the_writer_loaded(tmp_path):
    assert run_probe(tmp_path, 5000) == "True True"


def test_a_small_run_leaves_the_forkserver_as_python_makes_it(tmp_path):
    assert run_probe(tmp_path, 10) == "False False"

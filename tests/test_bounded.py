"""A risky function runs in a child process: too much memory or time gives a failure object, not a dead run."""

import os
import time

from pipeline.intake.bounded import BoundedFailure, run_bounded

LIMIT = 512 * 2**20


def allocate_gibibytes(count: int) -> int:
    return len(bytearray(count * 2**30))


def sleep_for(seconds: float) -> str:
    time.sleep(seconds)
    return "проснулся"


def fail_loudly(text: str) -> None:
    raise ValueError(text)


def abort_process() -> None:
    os.abort()


def test_result_comes_back():
    assert run_bounded(pow, 2, 10, memory_bytes=LIMIT, seconds=60) == 1024


def test_too_much_memory_is_a_failure():
    outcome = run_bounded(allocate_gibibytes, 2, memory_bytes=LIMIT, seconds=60)
    assert isinstance(outcome, BoundedFailure) and outcome.reason == "memory"


def test_too_much_time_is_a_failure():
    outcome = run_bounded(sleep_for, 120, memory_bytes=LIMIT, seconds=1)
    assert isinstance(outcome, BoundedFailure) and outcome.reason == "timeout"


def test_an_exception_is_a_failure():
    outcome = run_bounded(fail_loudly, "сломано", memory_bytes=LIMIT, seconds=60)
    assert outcome == BoundedFailure("error", "ValueError: сломано")


def test_a_crashed_child_is_a_failure():
    outcome = run_bounded(abort_process, memory_bytes=LIMIT, seconds=60)
    assert isinstance(outcome, BoundedFailure) and outcome.reason == "crashed"

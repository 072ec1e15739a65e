"""Running a risky function (parsing a suspicious file) in a child process with a memory cap and a time limit."""

import math
import multiprocessing
import resource
from dataclasses import dataclass

# A fresh interpreter per call: no inherited threads or locks (pandas, pyarrow), nothing shared with the run.
CONTEXT = multiprocessing.get_context("spawn")
GRACE_SECONDS = 2.0


@dataclass(frozen=True)
class BoundedFailure:
    """Why the function gave no result: "memory", "timeout", "crashed" (killed or aborted) or "error"."""

    reason: str
    detail: str = ""


def run_bounded(func, *args, memory_bytes: int, seconds: float):
    """func(*args) computed in a child process limited to memory_bytes of address space and seconds of wall
    time; its result, or a BoundedFailure. func, args and the result must be picklable."""
    receiver, sender = CONTEXT.Pipe(duplex=False)
    child = CONTEXT.Process(target=_child, args=(sender, func, args, memory_bytes, seconds), daemon=True)
    try:
        child.start()
    except Exception as error:  # no process could be started: the caller still gets an answer, not a crash
        return BoundedFailure("error", f"{type(error).__name__}: {error}")
    sender.close()  # the child holds the only writing end, so its death shows as end of file here
    try:
        if not receiver.poll(seconds):
            return BoundedFailure("timeout", f"больше {seconds:g} с")
        try:
            outcome = receiver.recv()
        except (EOFError, OSError):
            child.join(GRACE_SECONDS)
            return _crash(child.exitcode)
        child.join(GRACE_SECONDS)
        return outcome
    finally:
        receiver.close()
        _stop(child)


def _child(sender, func, args, memory_bytes: int, seconds: float) -> None:
    resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
    # CPU time as a backstop should the parent die before its timer fires.
    cpu = math.ceil(seconds) + 1
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))
    try:
        outcome = func(*args)
    except MemoryError:
        outcome = BoundedFailure("memory", f"больше {memory_bytes // 2**20} МБ памяти")
    except Exception as error:
        outcome = BoundedFailure("error", f"{type(error).__name__}: {str(error)[:300]}")
    try:
        sender.send(outcome)
    except MemoryError:
        sender.send(BoundedFailure("memory", "результат не поместился в память"))
    except Exception as error:  # an unpicklable result is the caller's mistake, reported, not raised
        sender.send(BoundedFailure("error", f"результат не передать: {type(error).__name__}: {error}"))
    finally:
        sender.close()


def _crash(exitcode: int | None) -> BoundedFailure:
    # Rust and C code abort instead of raising when an allocation fails under the memory cap.
    return BoundedFailure("crashed", f"процесс завершился с кодом {exitcode}")


def _stop(child) -> None:
    if child.is_alive():
        child.terminate()
        child.join(GRACE_SECONDS)
    if child.is_alive():
        child.kill()
        child.join(GRACE_SECONDS)
    child.close()

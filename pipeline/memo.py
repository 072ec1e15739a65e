"""Results of pure computations kept by the hash of their inputs and code, so a re-run skips unchanged work."""

import hashlib
import os
import pickle
import sys
from collections.abc import Callable, Iterable
from functools import cache
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from pipeline import paths
from pipeline.intake.cache import retire_other_versions, touch, unwrap_entry, wrap_entry, write_entry

ENV = "ASUPK_MEMO_CACHE"  # a folder, or "off" to compute everything afresh
LIBRARIES = ("pandas", "numpy", "pyarrow")


def memo_root() -> Path | None:
    setting = os.environ.get(ENV, "")
    if setting.lower() == "off":
        return None
    return Path(setting) if setting else paths.CACHE / "memo"


@cache
def code_version(sources: tuple[str, ...], libraries: tuple[str, ...] = ()) -> str:
    """A hash of the named source files (paths relative to the repository; a folder means its *.py) and of
    the libraries' versions: whatever may change the result of the same inputs."""
    digest = hashlib.sha256(sys.version.encode())
    for name in sorted(sources):
        path = paths.ROOT / name
        files = sorted(path.glob("*.py")) if path.is_dir() else [path]
        for file in files:
            digest.update(file.relative_to(paths.ROOT).as_posix().encode())
            digest.update(hashlib.sha256(file.read_bytes()).digest())
    for library in sorted(set(LIBRARIES) | set(libraries)):
        digest.update(f"{library}={metadata.version(library)}".encode())
    return digest.hexdigest()[:16]


def fingerprint(*parts: Any) -> str:
    """A sha256 of the parts. Frames and series are hashed by values, index, columns and dtypes (pickling
    them would hash their memory layout); everything else by its pickle."""
    digest = hashlib.sha256()
    for part in parts:
        _feed(digest, part)
    return digest.hexdigest()


def _feed(digest, part: Any) -> None:
    if isinstance(part, pd.DataFrame):
        digest.update(b"F")
        digest.update(repr([(str(c), str(t)) for c, t in part.dtypes.items()]).encode())
        digest.update(repr(list(part.index.names)).encode())
        # One pass: pandas combines the columns' and the index's hashes of a row in their order.
        digest.update(pd.util.hash_pandas_object(part, index=True).to_numpy().tobytes())
    elif isinstance(part, pd.Series):
        digest.update(b"S")
        digest.update(f"{part.name!r}:{part.dtype}".encode())
        digest.update(pd.util.hash_pandas_object(part, index=True).to_numpy().tobytes())
    elif isinstance(part, np.ndarray):
        digest.update(b"A")
        digest.update(f"{part.dtype}:{part.shape}".encode())
        digest.update(np.ascontiguousarray(part).tobytes())
    elif isinstance(part, list | tuple):
        digest.update(f"L{len(part)}".encode())
        for item in part:
            _feed(digest, item)
    elif isinstance(part, dict):
        digest.update(f"D{len(part)}".encode())
        for key in sorted(part, key=repr):
            _feed(digest, key)
            _feed(digest, part[key])
    else:
        digest.update(b"P")
        digest.update(pickle.dumps(part, protocol=pickle.HIGHEST_PROTOCOL))


class Memo:
    """Entries of one kind of computation under root/<namespace>/<code version>/<key[:2]>/<key>.pickle."""

    def __init__(self, namespace: str, sources: Iterable[str], libraries: Iterable[str] = ()):
        self.namespace = namespace
        self.version = code_version(tuple(sorted(sources)), tuple(sorted(libraries)))
        root = memo_root()
        self.root = None if root is None else root / namespace

    @property
    def enabled(self) -> bool:
        return self.root is not None

    def holds_any(self) -> bool:
        """Whether any result of this code version is kept (a cold store has none)."""
        if self.root is None:
            return False
        folder = self.root / self.version
        return folder.is_dir() and next(folder.glob("*/*.pickle"), None) is not None

    def _path(self, key: str) -> Path:
        return self.root / self.version / key[:2] / f"{key}.pickle"

    def recall(self, key: str) -> tuple[bool, Any]:
        """(True, value) for a kept result; (False, None) when absent, damaged or switched off."""
        if self.root is None:
            return False, None
        path = self._path(key)
        try:
            blob = path.read_bytes()
        except OSError:
            return False, None
        try:
            value = pickle.loads(unwrap_entry(blob))
        except Exception:  # a truncated or altered entry: compute again, and let the next keep replace it
            path.unlink(missing_ok=True)
            return False, None
        touch(path)
        return True, value

    def keep(self, key: str, value: Any) -> None:
        """Remember a result; a failure only costs speed."""
        if self.root is None:
            return
        path = self._path(key)
        try:
            if not path.parent.exists():
                retire_other_versions(self.root, self.version)
                path.parent.mkdir(parents=True, exist_ok=True)
            write_entry(path, wrap_entry(pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)))
        except OSError:
            return

    def get(self, key: str, compute: Callable[[], Any]) -> Any:
        """The kept result for this key, or compute() kept for next time."""
        found, value = self.recall(key)
        if found:
            return value
        value = compute()
        self.keep(key, value)
        return value

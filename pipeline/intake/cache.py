"""A content-addressed cache of read and mapped submissions, so a re-run reads only the files that changed."""

import hashlib
import os
import pickle
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass
from functools import cache
from importlib import metadata
from pathlib import Path

import pandas as pd

from pipeline import paths
from pipeline.intake.discover import Submission
from pipeline.intake.layout import MappedFile, MappedSheet
from pipeline.issues import IssueLog

MAGIC = b"ASUPK-INTAKE-1\n"
DIGEST_BYTES = 32
ENV = "ASUPK_INTAKE_CACHE"  # a folder, or "off" to read every file afresh
# The sources whose change may change what reading a file yields: the readers (not validation, snapshots or
# feedback, which run on what was read), the issue templates (messages are rendered when an issue is added)
# and the schemas (headers, aliases, sheet titles).
READERS = (
    *("bounded", "cache", "compound_file", "discover", "file_sniff", "inspect", "layout", "ods_scan"),
    *("read", "xml_scan"),
)
SOURCES = (
    *((paths.ROOT / "pipeline" / "intake", f"{name}.py") for name in READERS),
    (paths.ROOT / "pipeline", "issues.py"),
    (paths.ROOT / "schemas", "*.py"),
)


@cache
def code_version() -> str:
    """A hash of everything that shapes a read: the reading code, the schemas and the libraries' versions."""
    digest = hashlib.sha256()
    for folder, pattern in SOURCES:
        for path in sorted(folder.glob(pattern)):
            digest.update(path.relative_to(paths.ROOT).as_posix().encode())
            digest.update(hashlib.sha256(path.read_bytes()).digest())
    for part in (
        sys.version,
        pd.__version__,
        metadata.version("python-calamine"),
        str(pickle.HIGHEST_PROTOCOL),
    ):
        digest.update(part.encode())
    return digest.hexdigest()[:16]


def entry_key(submission: Submission) -> str:
    """The file's bytes and everything its path says (the issues name the file, sender and kind)."""
    s = submission
    identity = "\x1f".join(
        str(part)
        for part in (s.digest, s.name, s.login, s.kind.slug, s.submitted.isoformat(), s.plan_year, s.quarter)
    )
    return hashlib.sha256(identity.encode()).hexdigest()


@dataclass(frozen=True)
class IntakeCache:
    """Entries under root/<code version>/<key[:2]>/<key>.pickle; each carries a checksum of its payload."""

    root: Path

    @classmethod
    def default(cls) -> "IntakeCache | None":
        setting = os.environ.get(ENV, "")
        if setting.lower() == "off":
            return None
        return cls(Path(setting) if setting else paths.CACHE / "intake")

    @property
    def folder(self) -> Path:
        return self.root / code_version()

    def path_of(self, submission: Submission, key: str | None = None) -> Path:
        """`key`, when the caller has worked out entry_key(submission) already."""
        return Path(self._place(key or entry_key(submission)))

    def _place(self, key: str) -> str:
        # Joined as text: a re-run asks for every file's entry, and Path joins cost more than the lookup.
        return f"{self.root}/{code_version()}/{key[:2]}/{key}.pickle"

    def holds(self, submission: Submission, key: str | None = None) -> bool:
        """Whether the cache has this file's read; marks the entry as used (see prune_stale)."""
        return touch(self._place(key or entry_key(submission)))

    def load(self, submission: Submission, key: str | None = None) -> MappedFile | None:
        """The cached read of this very file, or None: absent, corrupt or unreadable entries count as absent
        (a corrupt one is removed, so the next store rebuilds it)."""
        path = self.path_of(submission, key)
        try:
            blob = path.read_bytes()
        except OSError:
            return None
        try:
            return _thaw(unwrap_entry(blob), submission)
        except Exception:  # a truncated, altered or outdated entry: read the file instead
            path.unlink(missing_ok=True)
            return None

    def store(self, submission: Submission, mapped: MappedFile) -> None:
        """Write the entry atomically: a reader sees the whole entry or none; a failure only costs speed."""
        path = self.path_of(submission)
        try:
            if not path.parent.exists():
                retire_other_versions(self.root, code_version())
                path.parent.mkdir(parents=True, exist_ok=True)
            write_entry(path, wrap_entry(pickle.dumps(_freeze(mapped), protocol=pickle.HIGHEST_PROTOCOL)))
        except OSError:
            return


def cached_read(submission: Submission, cache: IntakeCache | None) -> MappedFile:
    """Read one file through the cache. Runs in a worker process."""
    from pipeline.intake.layout import read_submission

    mapped = read_submission(submission)
    if cache is not None:
        cache.store(submission, mapped)
    return mapped


def write_entry(path: Path, blob: bytes) -> None:
    """Write through a temporary file and a rename: a reader never sees half an entry."""
    handle, temporary = tempfile.mkstemp(prefix=".tmp-", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(blob)
        os.replace(temporary, path)
    finally:
        Path(temporary).unlink(missing_ok=True)


def link_or_copy(entry: Path | str, target: Path) -> None:
    """Put a cache entry's bytes at `target`: a hard link where both lie on one file system, else a copy. Entries
    are never written in place, so a link is as good as a copy; raises FileNotFoundError when the target's folder
    (or the entry) is missing."""
    try:
        os.link(entry, target)  # a run's staging folder is new: the target is almost never there
        return
    except FileNotFoundError:  # no folder for the target (or no entry any more): nothing to copy either
        raise
    except OSError:  # the target is there, or another file system, or links not allowed
        pass
    target.unlink(missing_ok=True)  # a file already there may be a link to another entry: never write into it
    try:
        os.link(entry, target)
    except FileNotFoundError:
        raise
    except OSError:
        shutil.copyfile(entry, target)


def touch(path: Path | str) -> bool:
    """Mark a cache entry as used now; False when there is none."""
    try:
        os.utime(path)
    except OSError:
        return False
    return True


PRUNED_MARK = ".pruned"


def prune_stale(root: Path, days: int) -> int:
    """Remove the entries under root not used for `days` days (every hit touches its entry): caches keyed by
    content would otherwise keep every version of every file for ever. At most once a day per root. Returns how
    many were removed."""
    if not root.is_dir():
        return 0
    now = time.time()
    mark = root / PRUNED_MARK
    try:
        if now - mark.stat().st_mtime < 86400:  # walking every entry once a day is enough
            return 0
    except OSError:
        pass
    mark.touch()
    oldest = now - days * 86400
    removed = 0
    for path in root.rglob("*"):
        try:
            if path.is_file() and path != mark and path.stat().st_mtime < oldest:
                path.unlink()
                removed += 1
        except OSError:
            continue
    return removed


def retire_other_versions(root: Path, version: str) -> None:
    """Entries of other code versions can never be hit again."""
    if not root.is_dir():
        return
    for other in root.iterdir():
        if other.is_dir() and other.name != version and len(other.name) == len(version):
            shutil.rmtree(other, ignore_errors=True)


def wrap_entry(payload: bytes) -> bytes:
    return MAGIC + hashlib.sha256(payload).digest() + payload


def unwrap_entry(blob: bytes) -> bytes:
    if not blob.startswith(MAGIC):
        raise ValueError("not a cache entry")
    start = len(MAGIC) + DIGEST_BYTES
    payload = blob[start:]
    if hashlib.sha256(payload).digest() != blob[len(MAGIC) : start]:
        raise ValueError("checksum mismatch")
    return payload


def _freeze(mapped: MappedFile) -> dict:
    """What a read yields, without the submission and the schema objects (they are linked back on load)."""
    return {
        "readable": mapped.readable,
        "sheets": {
            name: (part.title, part.text, part.letters, part.raw, part.header_row)
            for name, part in mapped.sheets.items()
        },
        "log": mapped.log.rows,
        "raw": mapped.raw,
    }


def _thaw(payload: bytes, submission: Submission) -> MappedFile:
    state = pickle.loads(payload)
    by_name = {sheet.name: sheet for sheet in submission.kind.sheets}
    sheets = {
        name: MappedSheet(by_name[name], title, text, letters, raw, header_row)
        for name, (title, text, letters, raw, header_row) in state["sheets"].items()
    }
    return MappedFile(submission, state["readable"], sheets, IssueLog(list(state["log"])), state["raw"])

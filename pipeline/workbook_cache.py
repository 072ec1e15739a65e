"""Written workbooks kept by the hash of their content or of their inputs, so a re-run copies the bytes of
unchanged reports (by inputs: without building their sheets)."""

import hashlib
import os
import pickle
import struct
from functools import cache
from importlib import metadata
from pathlib import Path

import pandas as pd

from pipeline import paths
from pipeline.intake.cache import link_or_copy, retire_other_versions, touch, write_entry

ENV = "ASUPK_WORKBOOK_CACHE"  # a folder, or "off" to encode every workbook afresh
WRITER = paths.ROOT / "pipeline" / "workbooks.py"
# Entries hold a workbook's bytes as written, so that a restore can link the entry instead of copying it.
# (The entries of the earlier format began with a checksum header; another version keeps them apart.)
ENTRY_FORMAT = b"plain-xlsx-1"
# A written workbook is a zip without a comment: it ends with the 22-byte end-of-central-directory record.
END_RECORD = struct.Struct("<4s4H2LH")
END_SIGNATURE = b"PK\x05\x06"


@cache
def writer_version() -> str:
    """The writer's source and the xlsxwriter version: what turns the same sheets into the same bytes."""
    digest = hashlib.sha256(WRITER.read_bytes())
    digest.update(metadata.version("xlsxwriter").encode())
    digest.update(ENTRY_FORMAT)
    return digest.hexdigest()[:16]


def cache_root() -> Path | None:
    return _root_of(os.environ.get(ENV, ""))


@cache
def _root_of(setting: str) -> Path | None:
    """The cache folder of a setting; asked once per workbook, so worked out once per setting."""
    if setting.lower() == "off":
        return None
    return Path(setting) if setting else paths.CACHE / "workbooks"


def content_key(sheets, title: str) -> str | None:
    """The hash of everything the writer is given; None when it cannot be serialised (then no cache)."""
    try:
        payload = pickle.dumps((sheets, title), protocol=pickle.HIGHEST_PROTOCOL)
    except Exception:
        return None
    return hashlib.sha256(payload).hexdigest()


def inputs_key(inputs: object, title: str, sources: tuple[str, ...]) -> str | None:
    """The key of a workbook built from `inputs` by the code in `sources`; None when the cache is off. A str
    is a fingerprint already; the prefix keeps these keys apart from content keys."""
    from pipeline.memo import code_version, fingerprint

    if cache_root() is None:
        return None
    made = inputs if isinstance(inputs, str) else fingerprint(inputs)
    # the three strings hashed directly (asked once per workbook: thousands of times in a run)
    digest = hashlib.sha256(b"workbook-inputs")
    for part in (code_version(tuple(sorted(sources))), made, title):
        data = part.encode()
        digest.update(len(data).to_bytes(8, "little"))
        digest.update(data)
    return digest.hexdigest()


def frame_fingerprint(frame: pd.DataFrame) -> str:
    """A fingerprint of a frame's rows in order, its column names and dtypes; not its index (pipeline.memo's
    fingerprint hashes the index too), so equal slices of different frames match."""
    digest = hashlib.sha256(_shape(frame))
    digest.update(pd.util.hash_pandas_object(frame, index=False).to_numpy().tobytes())
    return digest.hexdigest()


def slice_fingerprints(frame: pd.DataFrame, by) -> dict:
    """A fingerprint of each group's rows of `frame` (values in order, column names and dtypes), from one hash
    pass over the whole frame rather than one per group. `by` is whatever DataFrame.groupby takes."""
    rows = pd.util.hash_pandas_object(frame, index=False).to_numpy()
    shape = _shape(frame)
    found = {}
    for group, positions in frame.groupby(by, sort=False, dropna=False).indices.items():
        digest = hashlib.sha256(shape)
        digest.update(rows[positions].tobytes())
        found[group] = digest.hexdigest()
    return found


def _shape(frame: pd.DataFrame) -> bytes:
    return repr([(str(c), str(t)) for c, t in frame.dtypes.items()]).encode()


def entry_path(root: Path, key: str) -> Path:
    return Path(entry_name(root, key))


def entry_name(root: Path, key: str) -> str:
    """The entry's path as text: a restore (thousands in a run) needs no Path object."""
    return f"{root}/{writer_version()}/{key[:2]}/{key}.xlsx"


def restore(key: str | None, target: Path) -> bool:
    """Put the cached bytes of this content at `target`; False when there are none (or they are damaged).

    The target becomes a hard link to the entry where both lie on one file system (else a copy): entries
    are never written in place (a keep writes a new file and renames it over the old name; pruning only
    unlinks), so a later cache write cannot alter an output, and the run's own writers remove a file before
    writing one at its path, so they never write through a link into the cache."""
    root = cache_root()
    if key is None or root is None:
        return False
    entry = entry_name(root, key)
    try:
        whole = _whole_zip(entry)
    except OSError:
        return False
    if not whole:  # a truncated or altered entry: encode again, and let the keep replace it
        Path(entry).unlink(missing_ok=True)
        return False
    try:
        link_or_copy(entry, target)
    except FileNotFoundError:  # the target's folder is not there yet: made only when a workbook goes in
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            link_or_copy(entry, target)
        except OSError:
            return False
    except OSError:
        return False
    touch(entry)
    return True


def _whole_zip(path: Path | str) -> bool:
    """Whether the file ends with a zip's end record that agrees with its length: a cut-off entry does not.
    Reads 22 bytes, not the file."""
    handle = os.open(path, os.O_RDONLY)
    try:
        size = os.fstat(handle).st_size
        if size < END_RECORD.size:
            return False
        tail = os.pread(handle, END_RECORD.size, size - END_RECORD.size)
    finally:
        os.close(handle)
    signature, _, _, _, _, directory_size, directory_start, comment = END_RECORD.unpack(tail)
    return (
        signature == END_SIGNATURE
        and comment == 0
        and directory_start + directory_size == size - END_RECORD.size
    )


def keep(key: str | None, written: Path) -> None:
    """Remember the bytes just written for this content; a failure only costs speed."""
    root = cache_root()
    if key is None or root is None:
        return
    entry = entry_path(root, key)
    try:
        if not entry.parent.exists():
            retire_other_versions(root, writer_version())
            entry.parent.mkdir(parents=True, exist_ok=True)
        write_entry(entry, written.read_bytes())
    except OSError:
        return

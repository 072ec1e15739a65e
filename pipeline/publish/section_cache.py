"""A section's pages kept by the hash of exactly what it read (frames, model fields), so a re-run writes only
the sections whose inputs changed."""

import hashlib
from collections.abc import Callable
from pathlib import Path

from pipeline.memo import Memo, fingerprint
from pipeline.monitoring import FIGURES as MONITORING_FIGURES
from pipeline.publish.model import YearView

TEMPLATES = Path(__file__).resolve().parent / "templates"
EVERY_FRAME = "*"  # the section went through all frames (open data lists them all)


def section_memo() -> Memo:
    """Sources: the page generators, their templates and the modules whose code or constants reach a page
    (of the monitoring stage only its list of figures does: that list goes into every key instead)."""
    templates = sorted(f"pipeline/publish/templates/{p.name}" for p in TEMPLATES.iterdir() if p.is_file())
    return Memo(
        "site-sections",
        (
            "pipeline/publish",
            *templates,
            "schemas",
            "pipeline/config.py",
            "pipeline/issues.py",
            "pipeline/workbooks.py",
        ),
        ("jinja2",),
    )


def cached_section(
    memo: Memo, name: str, pages: Callable[[YearView], dict], view: YearView, digests: dict | None = None
) -> dict:
    """The section's pages for the view, from the memo when what it read last time is unchanged. A section's
    reads depend only on what it read before them, so equal reads mean the same path and the same pages.
    digests: the frames' hashes by id, shared by the sections of one view so that each frame is hashed once."""
    if not memo.enabled:
        return pages(view)
    base = fingerprint("section", name, view.year, view.model.config, view.model.as_of, MONITORING_FIGURES)
    found, reads = memo.recall(base)
    if found:
        hit, kept = memo.recall(_content_key(base, view, reads, digests))
        if hit:
            return kept
    reads: set[tuple[str, str]] = set()
    written = pages(YearView(_TrackedModel(view.model, reads), view.year, _TrackedFrames(view.frames, reads)))
    reads = sorted(reads)
    memo.keep(base, reads)
    memo.keep(_content_key(base, view, reads, digests), written)
    return written


def kept_part(compute: Callable[[], object], *inputs: object) -> object:
    """One page (or file) of a section that is written again, from the memo when the values it is made of are
    unchanged: a change in one municipality renders that municipality's page only. inputs must name the part
    and hold everything compute() reads, in a form whose pickle is stable (no sets)."""
    return section_memo().get(fingerprint("part", *inputs), compute)


def _content_key(base: str, view: YearView, reads: list[tuple[str, str]], digests: dict | None) -> str:
    digests = {} if digests is None else digests
    return fingerprint(base, reads, [_value(view, kind, name, digests) for kind, name in reads])


def _value(view: YearView, kind: str, name: str, digests: dict) -> object:
    if kind == "frame":
        if name == EVERY_FRAME:
            return {key: _digest(frame, digests) for key, frame in view.frames.items()}
        return (name in view.frames, _digest(view.frames.get(name), digests))
    value = getattr(view.model, name)
    if name == "templates_dir":  # what the pages show of a folder: its files' names and bytes, not its path
        return _folder(value)
    if callable(value):  # a method reads the model as a whole
        return (
            view.model.frames,
            view.model.plan_years,
            view.model.previous,
            _folder(view.model.templates_dir),
        )
    return value


def _digest(frame: object, digests: dict) -> str:
    """The frame's fingerprint, computed once per view (the view holds the frame, so its id stays its own)."""
    if id(frame) not in digests:
        digests[id(frame)] = fingerprint(frame)
    return digests[id(frame)]


def _folder(folder: Path | None) -> list[tuple[str, str]] | None:
    if folder is None or not folder.is_dir():
        return None
    return [
        (p.name, hashlib.sha256(p.read_bytes()).hexdigest()) for p in sorted(folder.iterdir()) if p.is_file()
    ]


class _TrackedFrames(dict):
    """The year's frames, noting each one a section looks up (or all of them, when it goes through them)."""

    def __init__(self, frames: dict, reads: set):
        super().__init__(frames)
        self._reads = reads

    def _note(self, name: object) -> None:
        self._reads.add(("frame", str(name)))

    def _note_all(self) -> None:
        self._reads.add(("frame", EVERY_FRAME))

    def __getitem__(self, name):
        self._note(name)
        return super().__getitem__(name)

    def get(self, name, default=None):
        self._note(name)
        return super().get(name, default)

    def __contains__(self, name) -> bool:
        self._note(name)
        return super().__contains__(name)

    def __iter__(self):
        self._note_all()
        return super().__iter__()

    def keys(self):
        self._note_all()
        return super().keys()

    def values(self):
        self._note_all()
        return super().values()

    def items(self):
        self._note_all()
        return super().items()

    def __len__(self) -> int:
        self._note_all()
        return super().__len__()

    def copy(self) -> dict:
        self._note_all()
        return dict(super().items())

    def __or__(self, other):
        self._note_all()
        return dict(super().items()) | other


class _TrackedModel:
    """The site model, noting each field a section reads."""

    def __init__(self, model, reads: set):
        self._model = model
        self._reads = reads

    def __getattr__(self, name: str):
        self._reads.add(("model", name))
        return getattr(self._model, name)

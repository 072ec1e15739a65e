"""Incremental mkdocs: a page whose markdown, site files, nav and configuration are unchanged reuses its kept HTML."""

import hashlib
from contextlib import contextmanager
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

import jinja2
import mkdocs.commands.build as mkdocs_build_module
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page
from mkdocs.theme import Theme

from pipeline import paths
from pipeline.intake.cache import link_or_copy, touch, write_entry
from pipeline.memo import Memo, fingerprint

# Whatever may change a page's HTML for the same markdown: the code that drives the build, and the libraries.
SOURCES = (
    "pipeline/publish/page_cache.py",
    "pipeline/publish/mkdocs_run.py",
    "pipeline/publish/search_stems.py",
    "pipeline/publish/versions.py",
    "mkdocs.yml",
)
LIBRARIES = (
    "mkdocs",
    "mkdocs-material",
    "markdown",
    "pymdown-extensions",
    "jinja2",
    "babel",
    "snowballstemmer",
)
ASSETS = Path(__file__).resolve().parent / "assets"
_THEME_FILES: dict[tuple, list[str]] = {}  # the theme's files, listed once per process


@dataclass
class KeptPage:
    """What mkdocs made of one page: the rendered content for the later steps, its search sections, its HTML."""

    content: str
    toc: object
    title_from_render: str | None
    anchors: set[str] | None
    links_to_anchors: dict[str, dict[str, str]] | None  # by the linked file's src_uri
    search_entries: list[dict]
    html: bytes


@dataclass
class PageStats:
    """How many pages of a build came from the cache and how many were rendered."""

    hits: int = 0
    rendered: int = 0
    whole_year: bool = False  # the year's built site was copied from a kept build of the same docs
    fresh: dict[str, KeptPage] = field(
        default_factory=dict
    )  # page keys -> pages to keep once the build passed


def build_key(config, nav: list, as_of_epoch: int) -> str:
    """Everything outside a page's own markdown that its HTML depends on: the configuration, the nav with its
    titles, the set of files (links resolve against it), the build date and the libraries' versions."""
    docs_dir = Path(config["docs_dir"])
    files = sorted(p.relative_to(docs_dir).as_posix() for p in docs_dir.rglob("*") if p.is_file())
    versions = [f"{name}={metadata.version(name)}" for name in LIBRARIES]
    return fingerprint(
        paths.MKDOCS_YML.read_bytes(),
        config["site_name"],
        nav,
        files,
        as_of_epoch,
        versions,
        config["strict"],
    )


def page_memo() -> Memo:
    return Memo("site-pages", SOURCES, LIBRARIES)


def year_memo() -> Memo:
    return Memo("site-years", SOURCES, LIBRARIES)


def year_key(pages: dict[str, str | bytes], nav: list, site_name: str, as_of_epoch: int) -> str:
    """A year's built site is a function of its docs (pages and assets), nav, name, date and the build code."""
    assets = sorted(
        (p.relative_to(ASSETS).as_posix(), p.read_bytes()) for p in ASSETS.rglob("*") if p.is_file()
    )
    versions = [f"{name}={metadata.version(name)}" for name in LIBRARIES]
    return fingerprint(
        paths.MKDOCS_YML.read_bytes(), site_name, nav, sorted(pages.items()), assets, as_of_epoch, versions
    )


def restore_year(memo: Memo, key: str, out_dir: Path) -> bool:
    """The kept built site of the year into out_dir, when there is one and all its files are still kept."""
    found, manifest = memo.recall(key)
    if not found or not isinstance(manifest, dict):
        return False
    blobs = _blob_folder(memo)
    files = {}
    for relative, digest in manifest.items():
        blob = blobs / digest[:2] / digest
        try:
            data = blob.read_bytes()
        except OSError:
            return False  # a file pruned since: build the year instead
        if hashlib.sha256(data).hexdigest() != digest:
            blob.unlink(missing_ok=True)
            return False  # altered: build the year, and let the build keep the file again
        files[relative] = blob
    # Each file a link to its kept copy (as the workbook cache restores reports): kept files are never
    # written in place, and one altered through its link no longer matches its digest above.
    folders = set()
    for relative, blob in files.items():
        target = out_dir / relative
        if target.parent not in folders:
            target.parent.mkdir(parents=True, exist_ok=True)
            folders.add(target.parent)
        link_or_copy(blob, target)
        touch(blob)
    return True


def keep_year(memo: Memo, key: str, out_dir: Path) -> None:
    """The year's built files by their sha256 and a list of them: files kept by an earlier build (the theme,
    unchanged pages, data) are not written again."""
    if not memo.enabled:
        return
    blobs = _blob_folder(memo)
    manifest = {}
    try:
        for path in sorted(out_dir.rglob("*")):
            if not path.is_file():
                continue
            data = path.read_bytes()
            digest = hashlib.sha256(data).hexdigest()
            manifest[path.relative_to(out_dir).as_posix()] = digest
            blob = blobs / digest[:2] / digest
            if not touch(blob):
                blob.parent.mkdir(parents=True, exist_ok=True)
                write_entry(blob, data)
    except OSError:
        return  # keeping is only for speed
    memo.keep(key, manifest)


def _blob_folder(memo: Memo) -> Path:
    return memo.root / memo.version / "files"


@contextmanager
def cached_pages(memo: Memo, key: str):
    """Within the block, mkdocs renders only pages it has not kept; the others take the kept content, search
    sections and HTML. The new pages are kept only when the whole (strict) build succeeded."""
    stats = PageStats()
    original_render = Page.render
    original_build_page = mkdocs_build_module._build_page
    original_get_env = Theme.get_env
    kept: dict[int, tuple[str, KeptPage | None]] = {}  # id(page) -> (its key, the kept page or None)

    def render(page: Page, config, files: Files) -> None:
        if not memo.enabled or not _search_known(config):
            stats.rendered += 1
            original_render(page, config, files)
            return
        page_key = fingerprint(key, page.file.src_uri, page.markdown, page.meta)
        found, entry = memo.recall(page_key)
        kept[id(page)] = (page_key, entry if found else None)
        if not found:
            stats.rendered += 1
            original_render(page, config, files)
            return
        stats.hits += 1
        page.content = entry.content
        page.toc = entry.toc
        page._title_from_render = entry.title_from_render
        page.present_anchor_ids = entry.anchors
        if entry.links_to_anchors is not None:
            page.links_to_anchors = {
                files.get_file_from_path(uri): links for uri, links in entry.links_to_anchors.items()
            }

    def build_page(page: Page, config, doc_files, nav, env, dirty=False, excluded=False) -> None:
        page_key, entry = kept.get(id(page), (None, None))
        search = _search_index(config)
        if entry is not None and not excluded:
            if search is not None:
                search.entries.extend(dict(e) for e in entry.search_entries)
            target = Path(page.file.abs_dest_path)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(entry.html)
            return
        content, toc, anchors = page.content, page.toc, page.present_anchor_ids
        links = page.links_to_anchors
        before = len(search.entries) if search is not None else 0
        original_build_page(page, config, doc_files, nav, env, dirty, excluded)
        if page_key is None or excluded:
            return
        target = Path(page.file.abs_dest_path)
        stats.fresh[page_key] = KeptPage(
            content=content,
            toc=toc,
            title_from_render=page._title_from_render,
            anchors=anchors,
            links_to_anchors=None if links is None else {f.src_uri: dict(v) for f, v in links.items()},
            search_entries=[dict(e) for e in search.entries[before:]] if search is not None else [],
            html=target.read_bytes() if target.exists() else b"",
        )

    def get_env(theme: Theme) -> jinja2.Environment:
        """The theme's templates compiled once for all builds (jinja checks each one's source against it), and
        the theme's files listed once per process (the icons alone are thousands)."""
        env = original_get_env(theme)
        if memo.enabled:
            folder = memo.root.parent / "jinja-bytecode"
            folder.mkdir(parents=True, exist_ok=True)
            env.bytecode_cache = jinja2.FileSystemBytecodeCache(str(folder))
        listing = env.list_templates
        theme_key = (tuple(theme.dirs), tuple(sorted(theme.static_templates)))

        def list_templates(extensions=None, filter_func=None):
            # mkdocs' filter is a closure over the theme's static templates, which the key holds
            key = (*theme_key, repr(extensions), getattr(filter_func, "__qualname__", repr(filter_func)))
            if key not in _THEME_FILES:
                _THEME_FILES[key] = listing(extensions, filter_func)
            return list(_THEME_FILES[key])

        env.list_templates = list_templates
        return env

    Page.render = render
    mkdocs_build_module._build_page = build_page
    Theme.get_env = get_env
    try:
        yield stats
    finally:
        Page.render = original_render
        mkdocs_build_module._build_page = original_build_page
        Theme.get_env = original_get_env


def list_theme_files(config) -> None:
    """The theme's files listed into this process's cache ahead of its first build (a build worker does it
    while it waits for its year)."""
    with cached_pages(page_memo(), "theme files"):
        Files([]).add_files_from_theme(config.theme.get_env(), config)


def keep_pages(memo: Memo, stats: PageStats) -> None:
    for page_key, page in stats.fresh.items():
        memo.keep(page_key, page)
    stats.fresh.clear()


def _search_index(config):
    """The search plugin's index, whose entries a kept page adds without parsing its HTML again."""
    for name in ("material/search", "search"):
        plugin = config.plugins.get(name)
        if plugin is not None and hasattr(plugin, "search_index"):
            return plugin.search_index
    return None


def _search_known(config) -> bool:
    """A search plugin whose index is not Material's would miss the kept pages' sections: then render all."""
    return _search_index(config) is not None or not any("search" in name for name in config.plugins)

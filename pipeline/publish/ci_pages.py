"""The page for a region's IT staff: the CI definitions to copy, how they run the cycle and where data stays."""

from pipeline import paths
from pipeline.publish.model import YearView
from pipeline.publish.render import render

CI_DIR = paths.ROOT / "ci"
CI_FILES = ("gitlab-ci.yml", "github-actions.yml")


def ci_pages(view: YearView) -> dict[str, str | bytes]:
    pages: dict[str, str | bytes] = {f"ci/{name}": (CI_DIR / name).read_bytes() for name in CI_FILES}
    pages["ci/index.md"] = render("ci.md.j2", year=view.year, config=view.config)
    return pages

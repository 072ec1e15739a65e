"""Where things live: the one module that knows the project's folders. Imports nothing of the project."""

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
INPUTS = ROOT / "inputs"
REPORTS = ROOT / "reports"
SITE = ROOT / "site"
BUILD = ROOT / "build"
CACHE = ROOT / ".cache"
TESTS = ROOT / "tests"
MKDOCS_YML = ROOT / "mkdocs.yml"

REGION_CONFIG_NAME = "region.yaml"
DEFAULT_REGION_CONFIG = Path(__file__).resolve().parent / "defaults" / "region-khmao.yaml"

SPREADSHEET_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods")

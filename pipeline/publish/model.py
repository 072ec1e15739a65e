"""What the public site is built from: the region, the date, and per plan year the public frames by name."""

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pandas as pd

from pipeline.config import RegionConfig

# Frames the site knows how to show; a section whose frames are absent is simply not generated.
KNOWN_FRAMES = (
    "catalog",  # program_code, title, provider, hours, form, audience, annotation, places, program_type
    "schedule",  # group_code, program_code, municipality_code, start, end, places
    "municipality_stats",  # municipality_code and counts (organisations, staff, applications, ...)
    "submissions",
    "monitoring",
    "providers",
)


@dataclass(frozen=True)
class SiteModel:
    """Everything a build of the public site reads; frames must already be public (no personal columns)."""

    config: RegionConfig
    as_of: date
    plan_years: tuple[int, ...]
    frames: dict[int, dict[str, pd.DataFrame]] = field(default_factory=dict)
    templates_dir: Path | None = None

    def frames_of(self, year: int) -> dict[str, pd.DataFrame]:
        return self.frames.get(year, {})

    @property
    def latest_year(self) -> int:
        return max(self.plan_years)


@dataclass(frozen=True)
class YearView:
    """One plan year's slice of the model, as every page generator receives it."""

    model: SiteModel
    year: int
    frames: dict[str, pd.DataFrame]

    @property
    def config(self) -> RegionConfig:
        return self.model.config

    def has(self, *names: str) -> bool:
        return all(name in self.frames for name in names)

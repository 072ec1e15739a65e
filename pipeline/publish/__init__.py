"""Publish: the versioned public static site (mkdocs-material, Russian) built from the pipeline's public frames."""

from pipeline.publish.build import build_site
from pipeline.publish.model import SiteModel
from pipeline.publish.privacy import PersonalDataError, assert_public, small_count

__all__ = ["PersonalDataError", "SiteModel", "assert_public", "build_site", "small_count"]

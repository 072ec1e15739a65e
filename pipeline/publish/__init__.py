"""Publish: the versioned public static site (mkdocs-material, Russian) built from the pipeline's public frames."""

import importlib

# Loaded on first use: a build worker imports only what runs mkdocs, not the section makers and the registries.
_EXPORTS = {
    "build_site": "pipeline.publish.build",
    "SiteModel": "pipeline.publish.model",
    "PersonalDataError": "pipeline.publish.privacy",
    "assert_public": "pipeline.publish.privacy",
    "small_count": "pipeline.publish.privacy",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str):
    if name not in _EXPORTS:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(_EXPORTS[name]), name)

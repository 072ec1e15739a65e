"""Hypothesis profiles (defaults in CI; HYPOTHESIS_PROFILE=fuzz runs thousands) and the browser fixtures: a test
module provides `server` (the base URL of a site it built), these give it a Chromium page."""

import os

import pytest
from fuzzing import FUZZ_EXAMPLES
from hypothesis import HealthCheck, settings

settings.register_profile(
    "fuzz",
    max_examples=FUZZ_EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    print_blob=True,  # a failure prints the @reproduce_failure line that replays it
)
if os.environ.get("HYPOTHESIS_PROFILE"):
    settings.load_profile(os.environ["HYPOTHESIS_PROFILE"])


@pytest.fixture(scope="module")
def browser_context():
    pytest.importorskip("playwright.sync_api")
    from tests.browser import chromium_context

    with chromium_context() as context:
        yield context


@pytest.fixture
def page(browser_context, server):
    page = browser_context.new_page()
    page.set_default_timeout(10_000)
    page.base = server
    yield page
    page.close()

"""Hypothesis profiles: hypothesis' defaults in CI; HYPOTHESIS_PROFILE=fuzz (make fuzz) runs thousands."""

import os

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

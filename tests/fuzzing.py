"""How many examples a property test tries: a handful in CI, thousands when fuzzing (HYPOTHESIS_PROFILE=fuzz)."""

import os

FUZZ_EXAMPLES = 2000


def examples(ci: int) -> int:
    """The test's own CI count, or the fuzz profile's. Hypothesis lets an explicit max_examples win over
    any profile, so the tests ask here instead of fixing a number."""
    return FUZZ_EXAMPLES if os.environ.get("HYPOTHESIS_PROFILE") == "fuzz" else ci

"""The order of the annual cycle's stages: the one place that says what runs after what."""

# Each stage is "module:function"; the function takes (RunContext, state) and returns the named results it adds
# to the state. A stage reads only what earlier stages produced.
STAGES: tuple[tuple[str, str], ...] = (
    ("intake", "pipeline.intake.stage:run_intake"),
    ("feedback", "pipeline.intake.stage:run_feedback"),
)

"""The order of the annual cycle's stages: the one place that says what runs after what."""

# Each stage is "module:function"; the function takes (RunContext, state) and returns the named results it adds
# to the state. A stage reads only what earlier stages produced.
STAGES: tuple[tuple[str, str], ...] = (
    ("intake", "pipeline.intake.stage:run_intake"),
    ("registries", "pipeline.registries:run_registries"),
    ("groups", "pipeline.groups:run_groups"),
    ("schedule", "pipeline.schedule_reports:run_schedule"),
    ("assignment", "pipeline.assignment:run_assignment"),
    ("monitoring", "pipeline.monitoring:run_monitoring"),
    # The quality gate runs before every stage that writes an output it may hold back (needs, lists, site).
    ("quality", "pipeline.quality:run_quality"),
    ("needs", "pipeline.needs:run_needs"),
    ("registry_reports", "pipeline.registry_reports:run_registry_reports"),
    ("feedback", "pipeline.intake.stage:run_feedback"),
    ("templates", "pipeline.handouts:run_templates"),
    ("publish", "pipeline.publish.stage:run_publish"),
)

# What a person sees while the run goes.
STAGE_TITLES = {
    "intake": "Приём файлов операторов",
    "registries": "Сводные реестры",
    "groups": "Формирование групп",
    "schedule": "План-график",
    "assignment": "Государственное задание",
    "monitoring": "Мониторинг исполнения",
    "needs": "Анализ потребностей",
    "quality": "Проверка качества",
    "registry_reports": "Реестры и списки",
    "feedback": "Ответы операторам",
    "templates": "Шаблоны",
    "publish": "Сайт",
    "writing": "Запись отчётов (ожидание)",
}

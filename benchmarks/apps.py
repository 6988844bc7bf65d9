from django.apps import AppConfig


class BenchmarksConfig(AppConfig):
    """Volume data (`manage.py seed_bulk`) and measurements (`python -m benchmarks`).

    No models: an app only so that Django finds its management command.
    """

    name = "benchmarks"
    verbose_name = "Benchmarks"

from django.apps import AppConfig


class BenchConfig(AppConfig):
    """No models: installed for ``manage.py bench``. The benchmark sits on top of everything,
    the portal's settings and URLs included (docs/architecture.md); nothing imports it."""

    name = "bench"

from django.apps import AppConfig


class CoreConfig(AppConfig):
    """The ground floor: pieces every app may use and that use no app of the project
    (domain errors, the API's error answers, HTML → PDF, hardened downloads). No models."""

    name = "core"

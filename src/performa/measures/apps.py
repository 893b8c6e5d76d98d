from django.apps import AppConfig


class MeasuresConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "performa.measures"
    verbose_name = "Misurazione"

    def ready(self) -> None:
        from . import keeping, signals  # noqa: F401 - connects the receivers

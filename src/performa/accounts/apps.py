from django.apps import AppConfig


class AccountsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "performa.accounts"
    verbose_name = "Utenti e ruoli"

    def ready(self) -> None:
        from . import signals  # noqa: F401  (connects the receivers)

from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "performa.web"
    label = "web"
    verbose_name = "Interfaccia web"

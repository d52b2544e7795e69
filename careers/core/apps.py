from django.apps import AppConfig
from django.urls import register_converter


class CoreConfig(AppConfig):
    name = "careers.core"
    label = "core"
    verbose_name = "Shared"

    def ready(self) -> None:
        from careers.core.converters import TokenConverter

        # Before any app's URLconf is read: share links, calendar feeds and email links
        # route their secrets through it.
        register_converter(TokenConverter, "token")

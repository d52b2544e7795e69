from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _setup_roles(sender, **kwargs) -> None:
    from careers.services.roles import roles_setup

    roles_setup()


class CareersConfig(AppConfig):
    name = "careers"
    verbose_name = "Career advisor"

    def ready(self) -> None:
        # After auth has created the permissions for any new model (its handler runs first).
        post_migrate.connect(_setup_roles, sender=self, dispatch_uid="careers-roles")

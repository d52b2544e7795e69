from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _roles_setup(sender, **kwargs) -> None:
    from careers.content.roles import roles_setup

    roles_setup()


class ContentConfig(AppConfig):
    name = "careers.content"
    label = "content"
    verbose_name = "Knowledge base"

    def ready(self) -> None:
        # After auth has created the permissions for any new model (its handler runs first).
        post_migrate.connect(_roles_setup, sender=self, dispatch_uid="content-roles")
        # Registered in every process, as the plans' tasks are through their admin: beat's
        # schedule names it (advisor/celery.py).
        from careers.content import tasks  # noqa: F401
        from careers.content.account_data import account_data_register_content

        account_data_register_content()

from django.apps import AppConfig
from django.db.models.signals import post_save


def _profile_saved(sender, instance, created: bool, update_fields=None, **kwargs) -> None:
    """A user's time zone changed: their check-ins not yet sent follow it. A signal, since
    accounts, which saves the profile, may not depend on comparisons."""
    if created or (update_fields is not None and "timezone" not in update_fields):
        return
    from careers.comparisons.checkins import checkins_follow_timezone

    checkins_follow_timezone(user=instance.user)


class ComparisonsConfig(AppConfig):
    name = "careers.comparisons"
    label = "comparisons"
    verbose_name = "Comparisons"

    def ready(self) -> None:
        from careers.accounts.models import Profile
        from careers.comparisons.account_data import account_data_register_comparisons
        from careers.comparisons.previews import previews_register

        previews_register()
        account_data_register_comparisons()
        post_save.connect(_profile_saved, sender=Profile, dispatch_uid="checkins-follow-timezone")

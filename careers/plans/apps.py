from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "careers.plans"
    label = "plans"
    verbose_name = "Learning plans"

    def ready(self) -> None:
        from careers.plans.account_data import account_data_register_plans
        from careers.plans.previews import previews_register

        previews_register()
        account_data_register_plans()

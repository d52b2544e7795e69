from django.apps import AppConfig


class ComparisonsConfig(AppConfig):
    name = "careers.comparisons"
    label = "comparisons"
    verbose_name = "Comparisons"

    def ready(self) -> None:
        from careers.comparisons.account_data import account_data_register_comparisons
        from careers.comparisons.previews import previews_register

        previews_register()
        account_data_register_comparisons()

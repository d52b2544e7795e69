from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "careers.accounts"
    label = "accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        from careers.accounts.account_data import account_data_register_accounts

        account_data_register_accounts()

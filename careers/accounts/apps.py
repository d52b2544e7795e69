from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "careers.accounts"
    label = "accounts"
    verbose_name = "Accounts"

from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "interagency.accounts"
    label = "accounts"

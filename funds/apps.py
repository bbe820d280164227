from django.apps import AppConfig


class FundsConfig(AppConfig):
    name = "funds"
    verbose_name = "财政专项资金"

from django.apps import AppConfig


class FundsConfig(AppConfig):
    name = "funds"
    verbose_name = "财政专项资金"

    def ready(self):
        from org.models import Module
        from org.navigation import NavEntry, add_module_entry, holding

        # 收支明细 in the navigation for holders of the module (the summary tables' entries are the kit's).
        add_module_entry(NavEntry("收支明细", "ledger:entries", holding(Module.FUNDS)))

from records.kit.apps import ModuleConfig


class FundsConfig(ModuleConfig):
    name = "funds"
    verbose_name = "财政专项资金"

    def ready(self):
        from org.models import Module
        from org.navigation import NavEntry, add_module_entry, holding

        super().ready()  # the summary tables' declaration (funds.module)
        # 收支明细 in the navigation for holders of the module, after the summary tables' lists.
        add_module_entry(NavEntry("收支明细", "ledger:entries", holding(Module.FUNDS)))

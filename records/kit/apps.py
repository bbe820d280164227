from importlib import import_module

from django.apps import AppConfig

# The parts of the kit that add pages (records.kit.pages) and hooks to every declaration.
PARTS = ("urls", "statistics", "person", "documents", "views_query", "cases", "batch", "returns", "parents")


def load_parts() -> None:
    """Import the parts (once): before a module is declared, whose app may be ready before this
    one (the household files'), and when this app is ready, so the pages are known before any URL
    is resolved (the permission walk lists them at import)."""
    for part in PARTS:
        import_module(f"records.kit.{part}")


class KitConfig(AppConfig):
    name = "records.kit"
    label = "kit"
    verbose_name = "业务记录模块"

    def ready(self):
        load_parts()


class ModuleConfig(AppConfig):
    """The AppConfig of a record module: ready() imports its `module` (the declaration)."""

    default = False  # not this app's config, nor a module's that imports it: each subclass is

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        cls.default = True

    def ready(self):
        import_module(f"{self.name}.module")

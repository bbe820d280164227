from django.apps import AppConfig


class FlowsConfig(AppConfig):
    name = "flows"
    verbose_name = "流程"

    def ready(self):
        from flows import signals  # noqa: F401  (keeps a deleted user's tasks)

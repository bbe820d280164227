from django.apps import AppConfig


class BulletinsConfig(AppConfig):
    name = "bulletins"
    verbose_name = "政策文件、工作简报与通知"

    def ready(self):
        from org.models import Module
        from org.navigation import NavEntry, add_module_entry, holding

        # After the record modules: policy documents need the permission; briefs and notices
        # are read by every user (manual 16, 17).
        add_module_entry(NavEntry("政策文件", "bulletins:document_list", holding(Module.BULLETINS)))
        add_module_entry(NavEntry("工作简报", "bulletins:brief_list"))
        add_module_entry(NavEntry("通知", "bulletins:notice_list"))

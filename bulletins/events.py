"""The audit events of bulletins (audit.events registers them; the viewer lists them)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from audit.events import register


@register
class BulletinEvent(models.TextChoices):
    """Publishing, changing and deleting policy documents, briefs and notices (manual 15–17)."""

    BULLETIN_PUBLISHED = "bulletin_published", _("发布政策文件、简报或通知")
    BULLETIN_CHANGED = "bulletin_changed", _("修改政策文件、简报或通知")
    BULLETIN_DELETED = "bulletin_deleted", _("删除政策文件、简报或通知")

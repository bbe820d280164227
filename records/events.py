"""The audit events of records (audit.events registers them; the viewer lists them)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from audit.events import register


@register
class FileEvent(models.TextChoices):
    """Household files (manual 2): the life of a file, full ID numbers seen, bulk exports, merges and transfers."""

    FILE_CREATED = "file_created", _("新增职工档案")
    FILE_CHANGED = "file_changed", _("修改职工档案")
    FILE_DELETED = "file_deleted", _("删除职工档案")
    FILE_CANCELLED = "file_cancelled", _("注销职工档案")
    FILE_RESTORED = "file_restored", _("恢复职工档案")
    FILE_CATEGORY_CHANGED = "file_category_changed", _("转换档案类别")
    ID_NUMBERS_VIEWED = "id_numbers_viewed", _("查看完整身份证号")
    EXPORT_REQUESTED = "export_requested", _("提出批量导出申请")
    EXPORT_CHANGED = "export_changed", _("修改批量导出申请")
    EXPORT_DELETED = "export_deleted", _("删除批量导出申请")
    EXPORT_APPROVED = "export_approved", _("批准批量导出申请")
    EXPORT_REJECTED = "export_rejected", _("不批准批量导出申请")
    EXPORT_PRODUCED = "export_produced", _("生成批量导出数据文件")
    EXPORT_DOWNLOADED = "export_downloaded", _("下载批量导出数据")
    EXPORT_EXPIRED = "export_expired", _("批量导出数据文件过期删除")
    EXPORT_RETRIED = "export_retried", _("重新执行中断的批量导出")
    FILES_MERGED = "files_merged", _("合并职工档案")
    FILES_TRANSFERRED = "files_transferred", _("转移职工档案")
    TRANSFER_REQUESTED = "transfer_requested", _("申请跨单位转移档案")
    TRANSFER_ACCEPTED = "transfer_accepted", _("接收转移档案")
    TRANSFER_REJECTED = "transfer_rejected", _("拒绝接收转移档案")
    TRANSFER_WITHDRAWN = "transfer_withdrawn", _("撤回跨单位转移申请")

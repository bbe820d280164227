from viewflow.workflow.models import Process


class ReportProcess(Process):
    """The process of one report or return action; its data lives in approvals.ReportAction."""

    class Meta:
        proxy = True
        verbose_name = "上报退回流程"
        verbose_name_plural = "上报退回流程"


class FileManagementProcess(Process):
    """A merge, a transfer or a cross-branch transfer request (manual 2.9); who did what is in
    `data` and in the audit log."""

    class Meta:
        proxy = True
        verbose_name = "高级档案管理流程"
        verbose_name_plural = "高级档案管理流程"


class BulkExportProcess(Process):
    """The process of one bulk-export request; its data lives in records.BulkExport."""

    class Meta:
        proxy = True
        verbose_name = "批量导出流程"
        verbose_name_plural = "批量导出流程"

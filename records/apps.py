from django.apps import AppConfig


class RecordsConfig(AppConfig):
    name = "records"
    verbose_name = "业务记录"

    def ready(self):
        from approvals import registry
        from approvals.registry import ReportingModule
        from org.models import Module
        from records.models import WorkerFile

        registry.register(ReportingModule(Module.FILES, "职工档案", (WorkerFile,)))
        _register_transfer_decisions()


def _register_transfer_decisions() -> None:
    """Cross-branch transfer requests wait in the receiving unit admin's 待办审批."""
    from django.urls import reverse

    from approvals import inbox
    from org.models import Module
    from records.models import TransferRequest, TransferState

    def pending(unit):
        waiting = TransferRequest.objects.filter(to_unit=unit, state=TransferState.PENDING)
        return waiting.select_related("from_unit").order_by("-created_at")

    def item(transfer):
        return inbox.InboxItem(
            kind="跨单位转移档案",
            title=f"接收转来的 {transfer.file_count} 份职工档案",
            sender=transfer.from_unit.name,
            at=transfer.created_at,
            url=reverse("records:transfer_request", args=[transfer.pk]),
            detail=transfer.reason,
        )

    inbox.register(inbox.InboxSource("file_transfer", "跨单位转移档案", Module.UNIT_ADMIN, pending, item))

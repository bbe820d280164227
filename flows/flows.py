"""The processes of Bangfu (DESIGN.md §3): report up, return down and notices; bulk export
(manual 2.5); merges, transfers and cross-branch transfer requests (manual 2.9).

Each action of approvals.services is one process: it starts from code with the action's data
(StartHandle) and opens one manual task for the receiving unit — the reminder. Marking the
reminder handled completes that task and ends the process.
"""

from viewflow import this
from viewflow.workflow import flow, lock

from flows.models import BulkExportProcess, FileManagementProcess, ReportProcess


class _ReminderFlow(flow.Flow):
    process_class = ReportProcess
    lock_impl = lock.select_for_update_lock

    def start_action(self, activation, action):
        activation.process.artifact = action
        return activation.process


class ReportUpFlow(_ReminderFlow):
    process_title = "上报"

    start = flow.StartHandle(this.start_action).Next(this.remind)
    remind = flow.ManualTask().Next(this.end)
    end = flow.End()


class ReturnDownFlow(_ReminderFlow):
    process_title = "退回"

    start = flow.StartHandle(this.start_action).Next(this.remind)
    remind = flow.ManualTask().Next(this.end)
    end = flow.End()


class TransferFlow(_ReminderFlow):
    """转移档案 (2.9.3–2.9.4), and the refusal of a cross-branch request: the receiving unit's
    reminder lists the moved files (its action's movement rows), like a report's."""

    process_title = "转移档案"

    start = flow.StartHandle(this.start_action).Next(this.remind)
    remind = flow.ManualTask().Next(this.end)
    end = flow.End()


class NoticeFlow(_ReminderFlow):
    """A reminder that moves no rows (a bulk export ready or not approved): same remind task."""

    process_title = "提醒"

    start = flow.StartHandle(this.start_action).Next(this.remind)
    remind = flow.ManualTask().Next(this.end)
    end = flow.End()


class MergeFlow(flow.Flow):
    """合并档案 (2.9.1–2.9.2). The interactive steps are ordinary views; the merge itself is one
    transaction that starts and ends this process, which records who merged what into what."""

    process_class = FileManagementProcess
    process_title = "合并档案"
    lock_impl = lock.select_for_update_lock

    start = flow.StartHandle(this.start_merge).Next(this.end)
    end = flow.End()

    def start_merge(self, activation, kept, data):
        activation.process.artifact = kept
        activation.process.data = data
        return activation.process


class TransferRequestFlow(flow.Flow):
    """A transfer to another branch: the `decide` task waits for the receiving unit's admin
    (their 待办审批); records.transfers completes it on acceptance or refusal."""

    process_class = FileManagementProcess
    process_title = "跨单位转移档案申请"
    lock_impl = lock.select_for_update_lock

    start = flow.StartHandle(this.start_request).Next(this.decide)
    decide = flow.ManualTask().Next(this.end)
    end = flow.End()

    def start_request(self, activation, transfer_request):
        activation.process.artifact = transfer_request
        activation.process.data = {"from_unit": transfer_request.from_unit_id, "to_unit": transfer_request.to_unit_id}
        return activation.process


class BulkExportFlow(flow.Flow):
    """批量导出 (manual 2.5): a unit admin's request → the parent unit's admin approves or
    rejects it (`approve`, completed by records.exports.export_decide; the national unit's own
    requests skip it, self-approved) → an approved request waits for the worker, which writes
    the file and completes `produce` (records.exports.export_produce)."""

    process_class = BulkExportProcess
    lock_impl = lock.select_for_update_lock
    process_title = "批量导出"

    start = flow.StartHandle(this.start_request).Next(this.needs_approval)
    needs_approval = flow.If(this.is_self_approved).Then(this.produce).Else(this.approve)
    approve = flow.ManualTask().Next(this.decided)
    decided = flow.If(this.is_approved).Then(this.produce).Else(this.end)
    produce = flow.Handle(this.produced).Next(this.end)
    end = flow.End()

    def start_request(self, activation, export):
        activation.process.artifact = export
        return activation.process

    def is_self_approved(self, activation) -> bool:
        return activation.process.artifact.self_approved

    def is_approved(self, activation) -> bool:
        return activation.process.artifact.is_approved

    def produced(self, activation):
        """The worker has written the file (records.exports); nothing more to do here."""
        return activation.process

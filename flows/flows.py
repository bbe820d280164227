"""The processes of Bangfu (DESIGN.md §3): report up, return down and notices; bulk export
(manual 2.5); merges, transfers and cross-branch transfer requests (manual 2.9).

Each report or return action of approvals.services is one process: the engine starts it
through approvals.processes (registered in FlowsConfig.ready, so approvals never imports this
app); it opens one manual task for the receiving unit — the reminder. Marking the reminder
handled completes that task and ends the process.
"""

from viewflow import this
from viewflow.workflow import flow, lock

from flows.models import BulkExportProcess, FileManagementProcess, ReportProcess


class _Locked:
    """Every flow locks its process row while it moves (DESIGN.md §1): viewflow's default
    lock is no lock at all."""

    lock_impl = lock.select_for_update_lock


def _started(activation, artifact, data=None):
    """What a start handler does: the process records the row it is about, and `data`."""
    activation.process.artifact = artifact
    if data is not None:
        activation.process.data = data
    return activation.process


class _Reminder(_Locked):
    """A report or return action's process: started with the action, it opens one manual task
    for the receiving unit — the reminder — which handling completes. The nodes are declared
    once here, in a plain mixin: viewflow copies the nodes it finds into each Flow subclass and
    wires them there, and a Flow base class would wire them to itself first."""

    process_class = ReportProcess

    start = flow.StartHandle(this.start_action).Next(this.remind)
    remind = flow.ManualTask().Next(this.end)
    end = flow.End()

    def start_action(self, activation, action):
        return _started(activation, action)


# The four kinds differ only by title, but stay four classes: every process and task row in the
# database names its flow class (viewflow's flow_class / flow_task), so one parametrised class
# would need those rows rewritten, and the inbox and history tell them apart by their class.


class ReportUpFlow(_Reminder, flow.Flow):
    process_title = "上报"


class ReturnDownFlow(_Reminder, flow.Flow):
    process_title = "退回"


class TransferFlow(_Reminder, flow.Flow):
    """转移档案 (2.9.3–2.9.4), and the refusal of a cross-branch request: the receiving unit's
    reminder lists the moved files (its action's movement rows), like a report's."""

    process_title = "转移档案"


class NoticeFlow(_Reminder, flow.Flow):
    """A reminder that moves no rows (a bulk export ready or not approved): same remind task."""

    process_title = "提醒"


class MergeFlow(_Locked, flow.Flow):
    """合并档案 (2.9.1–2.9.2). The interactive steps are ordinary views; the merge itself is one
    transaction that starts and ends this process, which records who merged what into what."""

    process_class = FileManagementProcess
    process_title = "合并档案"

    start = flow.StartHandle(this.start_merge).Next(this.end)
    end = flow.End()

    def start_merge(self, activation, kept, data):
        return _started(activation, kept, data)


class TransferRequestFlow(_Locked, flow.Flow):
    """A transfer to another branch: the `decide` task waits for the receiving unit's admin
    (their 待办审批); records.transfers completes it on acceptance or refusal."""

    process_class = FileManagementProcess
    process_title = "跨单位转移档案申请"

    start = flow.StartHandle(this.start_request).Next(this.decide)
    decide = flow.ManualTask().Next(this.end)
    end = flow.End()

    def start_request(self, activation, transfer_request):
        data = {"from_unit": transfer_request.from_unit_id, "to_unit": transfer_request.to_unit_id}
        return _started(activation, transfer_request, data)


class BulkExportFlow(_Locked, flow.Flow):
    """批量导出 (manual 2.5): a unit admin's request → the parent unit's admin approves or
    rejects it (`approve`, completed by records.exports.export_decide; the national unit's own
    requests skip it, self-approved) → an approved request waits for the worker, which writes
    the file and completes `produce` (records.exports.export_produce)."""

    process_class = BulkExportProcess
    process_title = "批量导出"

    start = flow.StartHandle(this.start_request).Next(this.needs_approval)
    needs_approval = flow.If(this.is_self_approved).Then(this.produce).Else(this.approve)
    approve = flow.ManualTask().Next(this.decided)
    decided = flow.If(this.is_approved).Then(this.produce).Else(this.end)
    produce = flow.Handle(this.produced).Next(this.end)
    end = flow.End()

    def start_request(self, activation, export):
        return _started(activation, export)

    def is_self_approved(self, activation) -> bool:
        return activation.process.artifact.self_approved

    def is_approved(self, activation) -> bool:
        return activation.process.artifact.is_approved

    def produced(self, activation):
        """The worker has written the file (records.exports); nothing more to do here."""
        return activation.process

"""Report-up and return-down flows (DESIGN.md §3).

Each action of approvals.services is one process: it starts from code with the action's data
(StartHandle) and opens one manual task for the receiving unit — the reminder. Marking the
reminder handled completes that task and ends the process.
"""

from viewflow import this
from viewflow.workflow import flow, lock

from flows.models import ReportProcess


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

"""Completing a process's human task from a service, as viewflow's task view does on POST.

Reminders (handled), transfer requests (decided) and bulk-export requests (approved) all end
their process this way: the acting user takes over the open task — assigned to nobody, or to a
colleague whose completion was interrupted — starts it if needed and executes it, which moves
the process on to its next node.
"""

from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

# A task nobody has completed yet (ASSIGNED/STARTED only if a completion was interrupted).
OPEN_TASK_STATUSES = [STATUS.NEW, STATUS.ASSIGNED, STATUS.STARTED]


def open_human_task(process_id: int) -> Task | None:
    return (
        Task.objects.filter(process_id=process_id, flow_task_type="HUMAN", status__in=OPEN_TASK_STATUSES)
        .order_by("pk")
        .first()
    )


def complete_human_task(actor, process_id: int) -> Task | None:
    """Complete the process's open human task as `actor` and return it; None when there is
    none left. The caller holds the process row lock (the flows' lock_impl), so two
    completions queue."""
    task = open_human_task(process_id)
    if task is None:
        return None
    with task.activation() as activation:
        if task.status == STATUS.NEW:
            activation.assign(actor)
        elif task.status == STATUS.ASSIGNED and task.owner_id != actor.pk:
            activation.reassign(actor)
    with task.activation() as activation:
        if task.status == STATUS.ASSIGNED:
            activation.start(None)
        activation.execute()
    return task

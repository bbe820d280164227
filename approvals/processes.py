"""The engine's seam to the processes (DESIGN §2: flows imports approvals, never the reverse).

The flows app registers, for each direction of a move, how to start the process of a report or
return action (`register_start`, from flows' AppConfig.ready); the engine starts it through
`start_process` without knowing the Flow classes.

Completing a process's human task from a service, as viewflow's task view does on POST.

Reminders (handled), transfer requests (decided) and bulk-export requests (approved) all end
their process this way: the acting user takes over the open task — assigned to nobody, or to a
colleague whose completion was interrupted — starts it if needed and executes it, which moves
the process on to its next node.
"""

from collections.abc import Callable

from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

REPORT, RETURN = "report", "return"
_STARTS: dict[str, Callable] = {}


def register_start(direction: str, start: Callable) -> None:
    """`start(action=…) -> Process`: the start handle of the flow of one direction's actions."""
    _STARTS[direction] = start


def start_process(direction: str, action):
    """The process (the receiving unit's reminder) of a report or return action."""
    try:
        start = _STARTS[direction]
    except KeyError:
        raise RuntimeError(f"no process registered for {direction!r} actions: is the flows app installed?") from None
    return start(action=action)


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

"""A deleted user's tasks stay: viewflow's Task.owner would cascade and erase the history of
every reminder the user handled (who handled it is also in the audit log)."""

from django.dispatch import receiver
from viewflow.workflow.models import Task

from org.signals import user_deleting


@receiver(user_deleting)
def _keep_tasks_of_deleted_user(sender, user, **kwargs):
    # Before the delete: Django's collector gathers the cascading tasks before pre_delete runs.
    Task.objects.filter(owner=user).update(owner=None)

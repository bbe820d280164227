# The audit log moves to the ground-floor app `audit` (issue 15): its triggers are dropped here
# and made again by audit 0001 (pgtrigger names them after the model's app), the model leaves
# this app's state, and the table is renamed there.

import pgtrigger.migrations
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("approvals", "0011_audit_retention_trigger"),
    ]

    operations = [
        pgtrigger.migrations.RemoveTrigger(model_name="auditlog", name="audit_log_append_only"),
        pgtrigger.migrations.RemoveTrigger(model_name="auditlog", name="audit_log_retention"),
        migrations.SeparateDatabaseAndState(state_operations=[migrations.DeleteModel(name="AuditLog")]),
    ]

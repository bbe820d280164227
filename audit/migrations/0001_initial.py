# The audit log, moved here from approvals (whose 0012 dropped its triggers and left its state):
# the table is renamed, not created, so no row is lost; the triggers are made again under the
# names pgtrigger gives them for this app.

import django.db.models.deletion
import pgtrigger.compiler
import pgtrigger.migrations
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('approvals', '0012_audit_log_moves_to_audit'),
        ('org', '0005_password_history'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.RunSQL(
                    "ALTER TABLE approvals_auditlog RENAME TO audit_auditlog;"
                    " ALTER INDEX approvals_audit_user_at RENAME TO audit_user_at;"
                    " ALTER INDEX approvals_audit_event_at RENAME TO audit_event_at;"
                    " ALTER INDEX approvals_audit_unit_at RENAME TO audit_unit_at;",
                    reverse_sql="ALTER TABLE audit_auditlog RENAME TO approvals_auditlog;"
                    " ALTER INDEX audit_user_at RENAME TO approvals_audit_user_at;"
                    " ALTER INDEX audit_event_at RENAME TO approvals_audit_event_at;"
                    " ALTER INDEX audit_unit_at RENAME TO approvals_audit_unit_at;",
                ),
            ],
            state_operations=[
                migrations.CreateModel(
                    name='AuditLog',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('at', models.DateTimeField(auto_now_add=True, db_index=True, verbose_name='时间')),
                        ('username', models.CharField(blank=True, max_length=150, verbose_name='登录名')),
                        ('unit_name', models.CharField(blank=True, max_length=100, verbose_name='单位名称')),
                        ('event', models.CharField(max_length=40, verbose_name='事件')),
                        ('object_type', models.CharField(blank=True, max_length=50, verbose_name='对象类型')),
                        ('object_id', models.CharField(blank=True, max_length=50, verbose_name='对象标识')),
                        ('object_repr', models.CharField(blank=True, max_length=200, verbose_name='对象')),
                        ('success', models.BooleanField(default=True, verbose_name='成功')),
                        ('ip', models.GenericIPAddressField(blank=True, null=True, verbose_name='IP地址')),
                        ('detail', models.JSONField(blank=True, default=dict, verbose_name='详情')),
                        ('unit', models.ForeignKey(db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='org.unit', verbose_name='单位')),
                        ('user', models.ForeignKey(db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='用户')),
                    ],
                    options={
                        'verbose_name': '审计日志',
                        'verbose_name_plural': '审计日志',
                        'ordering': ['-at', '-id'],
                        'indexes': [models.Index(fields=['user', 'at'], name='audit_user_at'), models.Index(fields=['event', 'at'], name='audit_event_at'), models.Index(fields=['unit', 'at'], name='audit_unit_at')],
                    },
                ),
            ],
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='auditlog',
            trigger=pgtrigger.compiler.Trigger(name='audit_log_append_only', sql=pgtrigger.compiler.UpsertTriggerSql(func="RAISE EXCEPTION 'pgtrigger: Cannot update rows from % table', TG_TABLE_NAME;", hash='39b39ac793a1770f221a040605d0f0f9d1e677ad', operation='UPDATE', pgid='pgtrigger_audit_log_append_only_645f5', table='audit_auditlog', when='BEFORE')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='auditlog',
            trigger=pgtrigger.compiler.Trigger(name='audit_log_retention', sql=pgtrigger.compiler.UpsertTriggerSql(condition="WHEN (OLD.at > now() - interval '180 days')", func="RAISE EXCEPTION 'pgtrigger: Cannot delete rows from % table', TG_TABLE_NAME;", hash='246997636cf9bf93094f2601ad92a87f097e9fa5', operation='DELETE', pgid='pgtrigger_audit_log_retention_b105b', table='audit_auditlog', when='BEFORE')),
        ),
    ]

from django.core.management.base import BaseCommand

from audit.database_roles import APP_ROLE, grant_app_role


class Command(BaseCommand):
    help = "给应用数据库角色授权(迁移之后运行):流转记录只可查询和追加,审计日志另可删除超过保存期限的记录。"

    def add_arguments(self, parser):
        parser.add_argument("--role", default=APP_ROLE, help=f"应用连接数据库所用的角色,默认 {APP_ROLE}")

    def handle(self, *args, role, **options):
        protected = grant_app_role(role)
        self.stdout.write(f"已授权角色 {role};只可查询和追加的表:{', '.join(protected)}")

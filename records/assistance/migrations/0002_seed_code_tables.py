"""The code table of the assistance module (modules-spec §3.1: 帮扶资金类别, on each measure line),
seeded after org's own."""

from django.db import migrations

from org.code_tables import seed_code_tables

TABLES = [("fund_source", "帮扶资金类别", ["中央财政", "地方财政", "工会经费", "社会捐助", "其他"])]


class Migration(migrations.Migration):
    dependencies = [("assistance", "0001_initial"), ("org", "0005_password_history")]
    operations = [migrations.RunPython(*seed_code_tables(TABLES))]

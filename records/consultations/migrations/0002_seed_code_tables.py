"""The code tables of consultations (modules-spec), seeded after org's own."""

from django.db import migrations

from org.code_tables import seed_code_tables

TABLES = [
    ("consultation_channel", "咨询方式", ["来访", "电话", "网络", "信函"]),
    (
        "consultation_category",
        "咨询类别",
        ["劳动就业", "社会保障", "工资收入", "劳动关系", "帮扶政策", "法律法规", "其他"],
    ),
]


class Migration(migrations.Migration):
    dependencies = [("consultations", "0001_initial"), ("org", "0005_password_history")]
    operations = [migrations.RunPython(*seed_code_tables(TABLES))]

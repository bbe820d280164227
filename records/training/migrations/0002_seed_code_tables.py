"""The code tables of training (modules-spec §8), seeded after org's own."""

from django.db import migrations

from org.code_tables import seed_code_tables

TABLES = [
    ("training_type", "培训类型", ["技能培训", "创业培训", "学历教育", "工业技术", "商贸财务", "服务业", "农业技术", "其他"]),
    # The categories of 培训统计表 item 四 (records.stat_forms): each trainee counts in one.
    ("trainee_category", "培训人员类别", ["下岗失业人员", "农民工", "在职人员", "在读人员"]),
]


class Migration(migrations.Migration):
    dependencies = [("training", "0001_initial"), ("org", "0005_password_history")]
    operations = [migrations.RunPython(*seed_code_tables(TABLES))]

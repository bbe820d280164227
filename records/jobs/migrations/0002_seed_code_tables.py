"""The code tables of job placement (modules-spec §7), seeded after org's own. 文化程度 runs from
the lowest up: the matching compares the codes' display order (records.jobs.matching). 就业状态
holds the three values the recommendations set by name (records.jobs.services)."""

from django.db import migrations

from org.code_tables import seed_code_tables

TABLES = [
    ("education", "文化程度", ["小学及以下", "初中", "高中", "中专/技校/职高", "大专", "本科", "硕士研究生", "博士研究生"]),
    ("employment_state", "就业状态", ["待业", "已推荐", "已就业"]),
]


class Migration(migrations.Migration):
    dependencies = [("jobs", "0001_initial"), ("org", "0005_password_history")]
    operations = [migrations.RunPython(*seed_code_tables(TABLES))]

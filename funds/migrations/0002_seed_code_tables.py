"""The code tables of the ledger (modules-spec §14.1.1): 收入类型 and 支出类型, seeded after org's
own. The manual shows 工会经费拨款, 送温暖活动支出 and 日常救济支出; the others are PROPOSED there."""

from django.db import migrations

from org.code_tables import seed_code_tables

TABLES = [
    ("fund_income_type", "收入类型", ["财政拨款", "上级工会补助", "工会经费拨款", "社会捐助", "利息收入", "其他收入"]),
    (
        "fund_expense_type",
        "支出类型",
        ["送温暖活动支出", "日常救济支出", "医疗救助支出", "助学支出", "职业介绍支出", "职业培训支出", "法律援助支出",
         "其他支出"],
    ),  # fmt: skip
]


class Migration(migrations.Migration):
    dependencies = [("funds", "0001_ledger"), ("org", "0006_user_display_tier")]
    operations = [migrations.RunPython(*seed_code_tables(TABLES))]

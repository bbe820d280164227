"""The code tables of petitions (modules-spec), seeded after org's own."""

from django.db import migrations

from org.code_tables import seed_code_tables

TABLES = [
    ("petition_channel", "信访形式", ["来访", "来信", "来电", "网上", "其他"]),
    (
        "petition_category",
        "信访类别",
        ["劳动报酬/欠薪", "劳动合同", "社会保险", "工伤", "下岗安置", "生活困难", "企业改制", "其他"],
    ),
    ("petition_handling", "信访处理方式", ["当场答复", "转办", "交办", "协调处理", "不予受理"]),
]


class Migration(migrations.Migration):
    dependencies = [("petitions", "0001_initial"), ("org", "0005_password_history")]
    operations = [migrations.RunPython(*seed_code_tables(TABLES))]

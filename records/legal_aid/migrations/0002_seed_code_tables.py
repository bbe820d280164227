"""The code tables of legal_aid (modules-spec), seeded after org's own."""

from django.db import migrations

from org.code_tables import seed_code_tables

TABLES = [
    (
        "legal_case_type",
        "法律援助案件类别",
        ["劳动报酬", "劳动合同", "社会保险", "工伤赔偿", "经济补偿", "其他劳动争议", "其他"],
    ),
    ("legal_aid_form", "法律援助形式", ["法律咨询", "代写法律文书", "调解", "仲裁代理", "诉讼代理"]),
    ("legal_aid_outcome", "法律援助办理结果", ["调解成功", "仲裁胜诉", "诉讼胜诉", "部分支持", "败诉", "撤诉", "其他"]),
]


class Migration(migrations.Migration):
    dependencies = [("legal_aid", "0001_initial"), ("org", "0005_password_history")]
    operations = [migrations.RunPython(*seed_code_tables(TABLES))]

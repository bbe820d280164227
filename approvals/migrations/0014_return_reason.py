"""退回原因 (issue 17 item 17): a code table of return reasons, chosen in the return dialog and
kept on the action. The values live here, so the migration keeps meaning the same thing."""

import django.db.models.deletion
from django.db import migrations, models

from org.code_tables import seed_code_tables

TABLES = [
    (
        "return_reason",
        "退回原因",
        [
            "身份证号有误",
            "信息填写不完整",
            "家庭人口与成员数不符",
            "困难类别认定不符",
            "重复建档",
            "证明材料不足",
            "数据与实际情况不符",
            "其他",
        ],
    ),
]


class Migration(migrations.Migration):
    dependencies = [
        ("approvals", "0013_notice_kinds_registered"),
        ("org", "0005_password_history"),
    ]

    operations = [
        migrations.AddField(
            model_name="reportaction",
            name="return_reason",
            field=models.ForeignKey(
                blank=True,
                limit_choices_to={"table__key": "return_reason"},
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="org.code",
                verbose_name="退回原因",
            ),
        ),
        migrations.RunPython(*seed_code_tables(TABLES)),
    ]

"""The file lists are the kit's lists of the files module now (records.households.module): their
display preferences are kept under the module's key, "files", instead of the model's label."""

from django.db import migrations

OLD_KEY, NEW_KEY = "records.workerfile", "files"


def move_key(apps, schema_editor, old, new):
    DisplayPreference = apps.get_model("approvals", "DisplayPreference")
    DisplayPreference.objects.filter(list_key=old).update(list_key=new)


class Migration(migrations.Migration):
    dependencies = [
        ("records", "0012_statistics_indexes"),
        ("approvals", "0013_notice_kinds_registered"),
    ]

    operations = [
        migrations.RunPython(
            lambda apps, editor: move_key(apps, editor, OLD_KEY, NEW_KEY),
            lambda apps, editor: move_key(apps, editor, NEW_KEY, OLD_KEY),
        )
    ]

"""Joins four lines of work that each added a 0014: attachments, 已修改 since reported, the bulk
export's file format and the names' pinyin sort keys."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("records", "0014_file_attachments"),
        ("records", "0014_file_changed_since_report"),
        ("records", "0014_bulk_export_file_format"),
        ("records", "0014_names_in_pinyin_order"),
    ]

    operations = []

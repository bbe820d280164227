"""An index of org_unit by (depth, path prefix), for the children of a unit.

`children_of` (the unit switcher of every list, the statistics rows) asks for
`depth = d + 1 AND path LIKE 'prefix%'`: the path index alone reads the whole subtree, which for
the national unit is every unit of the country (a 10 ms sequential scan per page at 52,000
units). Kept here rather than in org so as not to touch org's migrations while others work there.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("approvals", "0005_inbox_kinds_and_events"),
        ("org", "0001_initial"),
    ]

    operations = [
        migrations.RunSQL(
            "CREATE INDEX IF NOT EXISTS org_unit_depth_path ON org_unit (depth, path text_pattern_ops)",
            "DROP INDEX IF EXISTS org_unit_depth_path",
        )
    ]

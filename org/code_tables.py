"""The code tables a module brings (代码表, manual 18.1), seeded by the module's migration:
`migrations.RunPython(*seed_code_tables(TABLES))` with TABLES = [(key, name, [values…])]. The
values live in the migration itself, so it keeps meaning the same thing as the app changes."""


def seed_code_tables(tables):
    """The forward and backward functions of a RunPython seeding `tables` after the existing ones."""

    def seed(apps, schema_editor):
        CodeTable = apps.get_model("org", "CodeTable")
        Code = apps.get_model("org", "Code")
        last = CodeTable.objects.order_by("-display_order").values_list("display_order", flat=True).first() or 0
        for offset, (key, name, values) in enumerate(tables, start=1):
            table, _ = CodeTable.objects.get_or_create(key=key, defaults={"name": name, "display_order": last + offset})
            Code.objects.bulk_create(
                [Code(table=table, value=value, display_order=order) for order, value in enumerate(values, start=1)],
                ignore_conflicts=True,
            )

    def unseed(apps, schema_editor):
        apps.get_model("org", "CodeTable").objects.filter(key__in=[key for key, _name, _values in tables]).delete()

    return seed, unseed

"""信访接待 (a record module on the kit, records.kit)."""

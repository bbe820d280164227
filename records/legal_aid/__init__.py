"""法律援助 (a record module on the kit, records.kit)."""

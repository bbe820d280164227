"""政策咨询 (a record module on the kit, records.kit)."""

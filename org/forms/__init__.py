"""Forms of the org app, one module per area (account, units, users, codes, help centre)."""

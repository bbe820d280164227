"""Special-fund ledger (append-only), fund statistics and the real-name summary tables.

Empty until its issue lands (DESIGN.md §2 layout)."""

"""viewflow Flow classes and their Process proxies: report-up, return-down, bulk export, merge, transfer.

Empty until its issue lands (DESIGN.md §2 layout)."""

"""Policy documents, work briefs and notices shown on the home page.

Empty until its issue lands (DESIGN.md §2 layout)."""

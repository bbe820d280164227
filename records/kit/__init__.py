"""The record-module kit (DESIGN.md §2a): a module declares itself once (`RecordModule`), and
the kit makes its pages, services, query, statistics, documents, navigation and permission-test
rows from that declaration. Import the declaration's names from records.kit.declaration."""

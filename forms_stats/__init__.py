"""Periodic statistical forms declared as data, and the one statistics (cross-tab) engine every module uses.

- `forms_stats.crosstab`: the engine — rows are the areas under a chosen unit (its children, 本级,
  合计), columns a dimension's values × measures plus 总数, one grouped SQL query per table.
- `forms_stats.excel`: 另存为Excel of any cross-tab.
- templates/forms_stats/crosstab.html: the reusable result table with 打印 and 另存为Excel.

The periodic forms themselves are still to come (DESIGN.md §2 layout)."""

"""Give a DataTable's one flexible column the width the others leave."""

from __future__ import annotations

from textual.widgets import DataTable


def set_columns(table: DataTable, columns: list[tuple[str, str, int | None]]) -> None:
    """Replace the table's columns; the one with width None takes the remaining width.

    ``columns`` is a list of (key, label, width in cells or None). Rows are
    cleared too: call this before adding rows.
    """
    pad = 2 * table.cell_padding
    fixed = sum((w or 0) + pad for _, _, w in columns)
    flexible = sum(1 for _, _, w in columns if w is None)
    avail = (table.scrollable_content_region.width or table.size.width or 80) - 2  # room for a scrollbar
    each = max(8, (avail - fixed - pad * flexible) // max(1, flexible))
    table.clear(columns=True)
    for key, label, width in columns:
        table.add_column(label, key=key, width=each if width is None else width)

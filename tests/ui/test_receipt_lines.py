"""The receipt lines table: column widths, the highlight, paging and what it redraws."""

from __future__ import annotations

from textual.app import App, ComposeResult

from edge.ui.receipt_lines import Column, ReceiptLines, fit

COLUMNS = [Column("#", 3, right=True), Column("Product"), Column("Sum", 8, right=True)]


class Table(App[None]):
    CSS = "ReceiptLines { height: 6; width: 40; }"

    def compose(self) -> ComposeResult:
        yield ReceiptLines(COLUMNS, id="lines")


def rows(n: int) -> list[tuple[str, ...]]:
    return [(str(i + 1), f"Product {i + 1}", f"{(i + 1) * 10}.00") for i in range(n)]


def shown(table: ReceiptLines) -> list[str]:
    return [table.render_line(y).text.rstrip() for y in range(table.size.height)]


def test_fit_pads_aligns_and_cuts_with_an_ellipsis() -> None:
    assert fit("Хліб", 6) == "Хліб  "
    assert fit("9.50", 6, right=True) == "  9.50"
    assert fit("Молоко 2,5%", 8) == "Молоко …"
    assert fit("x", 0) == ""


async def test_columns_fit_their_widest_text_and_the_name_takes_the_rest() -> None:
    app = Table()
    async with app.run_test() as pilot:
        table = app.query_one(ReceiptLines)
        table.set_rows([("1", "Хліб житній", "32.50"), ("2", "Молоко", "1106.84")])
        await pilot.pause()
        assert shown(table)[:3] == [
            " #  Product                          Sum",
            " 1  Хліб житній                    32.50",
            " 2  Молоко                       1106.84",
        ]
        assert table.cursor_row == 1  # a new line is highlighted


async def test_a_long_receipt_pages_by_half_a_view_and_keeps_the_highlight_shown() -> None:
    app = Table()
    async with app.run_test() as pilot:
        table = app.query_one(ReceiptLines)
        table.set_rows(rows(5))  # a header and 5 rows fill the 6 lines
        await pilot.pause()
        assert [line.split()[0] for line in shown(table)[1:]] == ["1", "2", "3", "4", "5"]
        table.set_rows(rows(6))  # the sixth jumps the view by half: rows 4-6 and room below
        await pilot.pause()
        assert [line.split()[0] for line in shown(table)[1:4]] == ["4", "5", "6"]
        assert shown(table)[4:] == ["", ""]
        table.move_cursor(0)  # up to the first row: it comes back into view
        await pilot.pause()
        assert shown(table)[1].split()[0] == "1"
        table.move_cursor(99)  # kept within the rows
        assert table.cursor_row == 5
        table.set_rows(rows(2))  # fewer rows: the highlight moves to the last one
        await pilot.pause()
        assert table.cursor_row == 1
        assert [line.split()[0] for line in shown(table)[1:3]] == ["1", "2"]
        table.set_rows([])
        await pilot.pause()
        assert shown(table)[1:] == [""] * 5


async def test_a_growing_receipt_only_ever_pages_forward() -> None:
    app = Table()
    async with app.run_test() as pilot:
        table = app.query_one(ReceiptLines)
        tops = []
        for n in range(1, 21):
            table.set_rows(rows(n))
            await pilot.pause()
            first = int(shown(table)[1].split()[0])
            assert first <= n < first + 5  # the new line is in view
            tops.append(first)
        assert tops == sorted(tops)
        assert sorted(set(tops)) == [1, 4, 7, 10, 13, 16]  # a jump (a redraw) every 3 lines


async def test_adding_a_line_redraws_only_that_line_and_the_previous_highlight() -> None:
    app = Table()
    async with app.run_test() as pilot:
        table = app.query_one(ReceiptLines)
        table.set_rows(rows(3))
        await pilot.pause()
        drawn: list[int] = []
        render_line = table.render_line

        def counting(y: int):  # type: ignore[no-untyped-def]
            drawn.append(y)
            return render_line(y)

        table.render_line = counting  # type: ignore[method-assign]
        table.set_rows(rows(4))
        await pilot.pause()
        assert sorted(set(drawn)) == [3, 4]  # rows 3 (highlight off) and 4 (new, on)

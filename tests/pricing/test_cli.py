"""`edge price`: bad input gets a message naming the field and exit status 2."""

from __future__ import annotations

import copy
import io
import json
from pathlib import Path
from typing import Any

import pytest

from edge.pricing_cli import main
from tests.pricing.test_examples import EXAMPLES

BASE: dict[str, Any] = json.loads((EXAMPLES / "03-return-one-line.json").read_text("utf-8"))


def fails_with(
    document: object, message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "input.json"
    path.write_text(json.dumps(document, ensure_ascii=False), "utf-8")
    assert main([str(path)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == f"error: {message}\n"


def changed(path: str, value: object) -> dict[str, Any]:
    """BASE with the value at a dotted path (list indexes as numbers) set, or removed if None."""
    document = copy.deepcopy(BASE)
    *parents, last = path.split(".")
    node: Any = document
    for key in parents:
        node = node[int(key)] if key.isdigit() else node[key]
    if value is None:
        del node[last]
    else:
        node[int(last) if last.isdigit() else last] = value
    return document


@pytest.mark.parametrize(
    ("path", "value", "message"),
    [
        ("cart.lines.1.quantity", "0", "cart.lines[1].quantity: must be > 0"),
        ("cart.lines.1.quantity", -1, "cart.lines[1].quantity: must be > 0"),
        (
            "cart.lines.1.quantity",
            "1/2",
            "cart.lines[1].quantity: must be a quantity such as 2 or 0.375",
        ),
        ("cart.lines.0.price", "-5.00", "cart.lines[0].price: must be >= 0"),
        ("cart.lines.0.price", 99.999, "cart.lines[0].price: must be an amount such as 12.50"),
        ("cart.lines.0.price", "1,000.00", "cart.lines[0].price: must be an amount such as 12.50"),
        (
            "cart.lines.0.vat_rate",
            "120",
            "cart.lines[0].vat_rate: must be at least 0 and at most 100",
        ),
        ("cart.lines.0.qty", "1", "cart.lines[0].qty: unknown field"),
        ("cart.lines.0.product_id", None, "cart.lines[0].product_id: is required"),
        ("cart.lines", {}, "cart.lines: must be a list"),
        ("store", None, "store: is required"),
        (
            "store.time_zone",
            "Europe/Atlantis",
            "store.time_zone: unknown time zone 'Europe/Atlantis'",
        ),
        ("store.cash_step", "0", "store.cash_step: must be > 0"),
        (
            "at",
            "2025-06-02T10:00:00",
            "at: must include a UTC offset, e.g. 2025-06-02T10:30:00+03:00",
        ),
        ("at", "yesterday", "at: must be a date and time in ISO 8601"),
        ("points_to_spend", 4100, "points_to_spend: at most 4000 points may be spent here"),
        ("points_to_spend", "100", "points_to_spend: must be a whole number"),
        ("points_to_spend", True, "points_to_spend: must be a whole number"),
        ("customer.price_list", "opt-9", "customer.price_list: no price list 'opt-9' in programs"),
        (
            "programs.stacking",
            {"mode": "best"},
            "programs.stacking.mode: must be one of: sum, priority",
        ),
        (
            "programs.bonus.max_points_share",
            "100.5",
            "programs.bonus.max_points_share: must be at least 0 and at most 100",
        ),
        (
            "customer.point_lots.0.points",
            1.5,
            "customer.point_lots[0].points: must be a whole number",
        ),
        ("return.lines.0.line_no", 3, "return.lines[0].line_no: the receipt has no line 3"),
        (
            "return.returned_before",
            [{"line_no": 1, "quantity": "1"}],
            "return.lines[0].quantity: only 0 of line 1 is left to return",
        ),
        ("return.lines", [], "return.lines: name at least one line to return"),
    ],
)
def test_bad_field_is_named(
    path: str,
    value: object,
    message: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    fails_with(changed(path, value), message, tmp_path, capsys)


def test_promotion_errors_name_the_promotion(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    promotion = {"id": "p", "version": 1, "name": "P", "percent": "5", "products": ["mug"]}
    cases = [
        ({**promotion, "fixed_price": "1.00"}, "percent: give either percent or fixed_price"),
        ({**promotion, "products": []}, "products: name at least one product or category"),
        (
            {**promotion, "window": {"hours": [{"start": "12:00", "end": "09:00"}]}},
            "window.hours[0].end: must be after start and at most 24:00 (split a night window "
            "in two)",
        ),
        (
            {**promotion, "window": {"weekdays": ["monday"]}},
            "window.weekdays[0]: must be one of: mon, tue, wed, thu, fri, sat, sun",
        ),
        (
            {**promotion, "window": {"date_from": "2025-13-01"}},
            "window.date_from: must be a date such as 2025-06-02 in ISO 8601",
        ),
    ]
    for given, message in cases:
        fails_with(
            changed("programs.promotions", [given]),
            f"programs.promotions[0].{message}",
            tmp_path,
            capsys,
        )
    fails_with(
        changed("programs.promotions", [promotion, promotion]),
        "programs.promotions[1].id: 'p' is used twice",
        tmp_path,
        capsys,
    )


def test_not_json_or_not_an_object(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "broken.json"
    path.write_text('{"store": ', "utf-8")
    assert main([str(path)]) == 2
    assert capsys.readouterr().err == "error: not valid JSON: Expecting value at line 1 column 11\n"
    fails_with([1, 2], "the document must be a JSON object", tmp_path, capsys)


def test_missing_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main([str(tmp_path / "nowhere.json")]) == 2
    assert capsys.readouterr().err.startswith(f"error: cannot read {tmp_path / 'nowhere.json'}: ")


def test_reads_standard_input(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO(json.dumps(BASE)))
    assert main(["-"]) == 0
    assert json.loads(capsys.readouterr().out)["return"]["refund"] == "80.00"


def test_numbers_are_never_floats(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """0.1 + 0.2 is not 0.3 in floats; a JSON number is read as its exact decimal text."""
    document = changed("cart.lines.0.price", 0.1)
    document["cart"]["lines"][1]["price"] = 0.2
    document["points_to_spend"] = 0
    path = tmp_path / "input.json"
    path.write_text(json.dumps(document), "utf-8")
    assert main([str(path)]) == 0
    assert json.loads(capsys.readouterr().out)["receipt"]["total"] == "0.30"

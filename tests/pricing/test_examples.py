"""The examples of issue 3, as documented in docs/pricing-examples/, run through the CLI."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from edge.pricing_cli import main

EXAMPLES = Path(__file__).resolve().parents[2] / "docs" / "pricing-examples"
INPUTS = sorted(p for p in EXAMPLES.glob("*.json") if not p.name.endswith(".expected.json"))


def run(path: Path, capsys: pytest.CaptureFixture[str]) -> dict[str, Any]:
    assert main([str(path)]) == 0
    answer: dict[str, Any] = json.loads(capsys.readouterr().out)
    return answer


def totals(answer: dict[str, Any]) -> list[str]:
    return [line["total"] for line in answer["receipt"]["lines"]]


def test_every_example_has_an_expected_output() -> None:
    assert len(INPUTS) >= 14
    for path in INPUTS:
        assert path.with_suffix(".expected.json").exists(), path.name


@pytest.mark.parametrize("path", INPUTS, ids=[p.stem for p in INPUTS])
def test_example_gives_its_expected_output(path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    expected = json.loads(path.with_suffix(".expected.json").read_text("utf-8"))
    assert run(path, capsys) == expected


def example(name: str, capsys: pytest.CaptureFixture[str]) -> dict[str, Any]:
    return run(EXAMPLES / f"{name}.json", capsys)


def test_1_sum_adds_kinds_and_priority_takes_the_special(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert totals(example("01a-sum-mode", capsys)) == ["920.00", "485.00"]
    assert totals(example("01b-priority-mode", capsys)) == ["950.00", "485.00"]


def test_2_till_offers_the_maximum_and_earns_on_money(capsys: pytest.CaptureFixture[str]) -> None:
    receipt = example("02-points-maximum", capsys)["receipt"]
    assert receipt["points_max"] == receipt["points_spent"] == 4000
    assert receipt["due"] == "160.00"
    assert receipt["points_earned"] == 160
    assert receipt["balance_after"] == 1160


def test_3_returning_one_line_reverses_its_share(capsys: pytest.CaptureFixture[str]) -> None:
    refund = example("03-return-one-line", capsys)["return"]
    assert refund["refund"] == "80.00"
    assert refund["points_restored"] == 2000
    assert refund["points_annulled"] == 80
    assert refund["balance_after"] == 3080


def test_4_tobacco_takes_no_discount_points_or_earning(capsys: pytest.CaptureFixture[str]) -> None:
    receipt = example("04-tobacco-and-food", capsys)["receipt"]
    tobacco, food = receipt["lines"]
    assert tobacco["discounts"] == [] and tobacco["points_spent"] == 0
    assert food["points_spent"] == receipt["points_max"] == 3000
    assert receipt["due"] == "170.00"
    assert receipt["points_earned"] == 70


def test_5_cumulative_tier_applies_from_the_next_receipt(
    capsys: pytest.CaptureFixture[str],
) -> None:
    receipt = example("05a-cumulative-tier", capsys)["receipt"]
    assert totals({"receipt": receipt}) == ["97.00"]
    assert receipt["lifetime_after"] == "50047.00"
    assert totals(example("05b-cumulative-next-receipt", capsys)) == ["95.00"]


def test_6_wholesale_price_list_and_fixed_discount(capsys: pytest.CaptureFixture[str]) -> None:
    listed = example("06a-wholesale-price-list", capsys)["receipt"]
    assert totals({"receipt": listed}) == ["80.00"]
    assert listed["customer_terms"] == ["Опт-1"]
    assert totals(example("06b-wholesale-fixed-discount", capsys)) == ["90.00"]


def test_7_one_time_discount_only_once(capsys: pytest.CaptureFixture[str]) -> None:
    first = example("07a-one-time-discount", capsys)["receipt"]
    assert first["lines"][0]["discounts"][0]["percent"] == "15"
    assert first["one_time_used"] == ["birthday-15"]
    assert (
        example("07b-one-time-discount-used", capsys)["receipt"]["lines"][0]["discounts"][0][
            "percent"
        ]
        == "3"
    )


def test_8_students_window_is_half_open(capsys: pytest.CaptureFixture[str]) -> None:
    assert totals(example("08a-students-in-window", capsys)) == ["79.99"]
    assert totals(example("08b-students-at-noon", capsys)) == ["99.99"]
    assert totals(example("08c-not-a-student", capsys)) == ["99.99"]

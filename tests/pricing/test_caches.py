"""What pricing keeps between calls (open promotions, priced lines) never changes a receipt,
and stays bounded; the points lots' fast comparisons give Python's own answers."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from unittest import mock

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kassa.domain.pricing import (
    Cart,
    InputError,
    ManualDiscount,
    PointLot,
    PricedReceipt,
    Programs,
    SaleLine,
    SaleRequest,
    Store,
    discounts,
    lots,
    price_receipt,
)
from kassa.domain.pricing import programs as programs_module
from tests.pricing.builders import KYIV, line, request
from tests.pricing.strategies import customers, moments, programs


@st.composite
def pooled_lines(draw: st.DrawFn) -> list[SaleLine]:
    """A few lines, much alike, that carts draw from again and again."""
    return draw(
        st.lists(
            st.builds(
                lambda product, price, quantity, min_price, manual: line(
                    product,
                    price,
                    quantity,
                    category=("food", product),
                    min_price=min_price,
                    manual=manual,
                ),
                st.sampled_from(["bread", "cigarettes"]),
                st.sampled_from([5_000, 10_000]),
                st.sampled_from([1000, 3000]),
                st.sampled_from([0, 9_000]),
                st.none() | st.just(ManualDiscount(1500, "manager-1")),
            ),
            min_size=1,
            max_size=8,
        )
    )


def priced(request: SaleRequest) -> PricedReceipt | str:
    try:
        return price_receipt(request)
    except InputError as exc:
        return str(exc)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_repricing_with_kept_results_equals_pricing_afresh(data: st.DataObject) -> None:
    shared = data.draw(programs())
    pool = data.draw(pooled_lines())
    people = data.draw(st.lists(st.none() | customers(), min_size=1, max_size=3))
    people += [replace(c, lifetime_purchases=500_000 - c.lifetime_purchases) for c in people if c]
    # small bounds, so that results are also dropped and priced again
    with (
        mock.patch.object(discounts, "LINES_PER_TERMS", 5),
        mock.patch.object(discounts, "LINES_PER_PRICE_LIST", 3),
        mock.patch.object(programs_module, "TERMS_KEPT", 2),
    ):
        for _ in range(data.draw(st.integers(1, 8))):
            cart = Cart(tuple(data.draw(st.lists(st.sampled_from(pool), min_size=1, max_size=6))))
            sale = SaleRequest(
                receipt_id="R-1",
                at=data.draw(moments),
                store=Store("Europe/Kyiv"),
                programs=shared,
                cart=cart,
                customer=data.draw(st.sampled_from(people)),
                points_to_spend=data.draw(st.none() | st.integers(0, 500)),
            )
            assert priced(sale) == priced(replace(sale, programs=replace(shared)))


def test_kept_priced_lines_and_line_parts_are_bounded() -> None:
    kept = Programs()
    for terms in range(programs_module.TERMS_KEPT + 3):
        kept.priced_lines(terms)
    assert len(kept._priced_lines) == programs_module.TERMS_KEPT
    most = max(discounts.LINES_PER_TERMS, discounts.LINES_PER_PRICE_LIST)
    sale = request(*(line(f"p{n}", n) for n in range(most + 5)))
    price_receipt(sale)
    (lines,) = sale.programs._priced_lines.values()
    assert 0 < len(lines) <= discounts.LINES_PER_TERMS
    (parts,) = sale.programs._line_parts.values()
    assert 0 < len(parts) <= discounts.LINES_PER_PRICE_LIST
    for price_list in range(programs_module.TERMS_KEPT + 3):
        kept.line_parts(str(price_list))
    assert len(kept._line_parts) == programs_module.TERMS_KEPT


def test_a_new_programs_version_starts_with_nothing_kept() -> None:
    sale = request(line("mug"))
    price_receipt(sale)
    assert sale.programs._priced_lines
    assert sale.programs._line_parts
    assert not replace(sale.programs)._priced_lines
    assert not replace(sale.programs)._line_parts


def test_lot_times_in_the_stores_own_zone_compare_by_wall_clock_as_python_does() -> None:
    # 26 Oct 2025 in Kyiv: 04:00 summer time becomes 03:00, so 03:00-04:00 comes twice
    at = datetime(2025, 10, 26, 3, 50, tzinfo=KYIV)  # the first 03:50 (00:50 UTC)
    later = datetime(2025, 10, 26, 3, 10, tzinfo=KYIV, fold=1)  # the second 03:10 (01:10 UTC)
    cases = [
        PointLot("own-zone", 100, earned_at=later),
        PointLot("utc", 200, earned_at=later.astimezone(UTC)),
        PointLot("expiring", 400, earned_at=at - timedelta(days=1), expires_at=later),
        PointLot("expired", 800, earned_at=at - timedelta(days=9), expires_at=at.astimezone(UTC)),
    ]
    for held in ([cases[0]], cases[1:], cases):
        assert lots.spendable(held, at) == sum(lot.points for lot in held if lot.spendable(at))
        assert lots.balance(held, at) == sum(lot.points for lot in held if lot.live(at))
        assert lots.tidy(held, at) == tuple(lot for lot in held if lot.live(at))
    # Python compares times in one zone by wall clock: the second 03:10 is before 03:50
    assert lots.spendable([cases[0]], at) == 100
    assert lots.spendable([cases[1]], at) == 0

"""Hypothesis strategies for pricing requests covering every rule of issue 3: caps, fixed
prices, price lists, one-time discounts, time windows, quantities above 1, weights,
categories closed to points or discounts, minimum prices, manual discounts and lots."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import TypeVar

from hypothesis import strategies as st

from kassa.domain.pricing import (
    BonusProgram,
    Cart,
    CategoryRule,
    CumulativeProgram,
    Customer,
    DiscountKind,
    GroupDiscount,
    HourRange,
    ManualDiscount,
    PersonalDiscount,
    PointLot,
    PriceList,
    Programs,
    Promotion,
    SaleLine,
    SaleRequest,
    Stacking,
    StackingMode,
    Store,
    Tier,
    Weekday,
    Window,
)

T = TypeVar("T")
START = datetime(2025, 6, 2, 0, 0, tzinfo=UTC)  # a Monday
PRODUCTS = {
    "bread": ("food", "bakery"),
    "cheese": ("food", "dairy"),
    "milk": ("food", "dairy"),
    "cigarettes": ("tobacco",),
    "wine": ("drinks", "alcohol"),
    "cup": ("home",),
}
CATEGORIES = sorted({c for path in PRODUCTS.values() for c in path})
GROUPS = ("vip", "students", "wholesale")

percents = st.integers(1, 10_000)


def often(values: st.SearchStrategy[T]) -> st.SearchStrategy[T | None]:
    """``values`` three times in four, else None."""
    return st.integers(0, 3).flatmap(lambda n: values if n else st.none())


prices = st.integers(0, 200_000)
moments = st.integers(0, 7 * 24 * 60 - 1).map(lambda m: START + timedelta(minutes=m))


@st.composite
def windows(draw: st.DrawFn) -> Window:
    day = START.date()
    date_from = draw(st.none() | st.integers(-3, 7).map(lambda d: day + timedelta(days=d)))
    date_to = draw(st.none() | st.integers(0, 10).map(lambda d: (date_from or day) + timedelta(d)))
    start = draw(st.integers(0, 23 * 60))
    end = draw(st.integers(start + 1, 24 * 60))
    return Window(
        date_from=date_from,
        date_to=date_to,
        weekdays=draw(st.frozensets(st.sampled_from(Weekday))),
        hours=draw(st.sampled_from([(), (HourRange(start, end),)])),
    )


@st.composite
def promotions(draw: st.DrawFn, index: int) -> Promotion:
    fixed = draw(st.booleans())
    product = draw(st.sampled_from(sorted(PRODUCTS)))
    category = draw(st.sampled_from(CATEGORIES))
    targets_product = draw(st.booleans())
    return Promotion(
        id=f"promo-{index}",
        version=draw(st.integers(1, 5)),
        name=f"Promotion {index}",
        percent=None if fixed else draw(percents),
        fixed_price=draw(prices) if fixed else None,
        products=frozenset({product} if targets_product else ()),
        categories=frozenset(() if targets_product else {category}),
        groups=draw(st.frozensets(st.sampled_from(GROUPS), max_size=2)),
        window=draw(st.just(Window()) | windows()),
    )


@st.composite
def programs(draw: st.DrawFn) -> Programs:
    promotion_count = draw(st.integers(0, 4))
    return Programs(
        stacking=Stacking(
            mode=draw(st.sampled_from(StackingMode)),
            cap=draw(st.none() | st.integers(0, 10_000)),
            priority=tuple(
                draw(
                    st.permutations(
                        [DiscountKind.SPECIAL, DiscountKind.PERSONAL, DiscountKind.CUMULATIVE]
                    )
                )
            ),
        ),
        promotions=tuple(draw(promotions(i)) for i in range(promotion_count)),
        group_discounts=tuple(
            GroupDiscount(f"group-{g}", 1, f"{g} discount", g, draw(percents), draw(st.booleans()))
            for g in draw(st.lists(st.sampled_from(GROUPS), unique=True, max_size=2))
        ),
        cumulative=draw(
            often(
                st.builds(
                    lambda p1, p2: CumulativeProgram(
                        "cumulative",
                        1,
                        "Cumulative",
                        (Tier(0, 0), Tier(10**5, p1), Tier(5 * 10**5, p2)),
                    ),
                    st.integers(0, 5_000),
                    st.integers(0, 10_000),
                )
            )
        ),
        bonus=draw(often(bonus_programs())),
        category_rules=tuple(
            CategoryRule(
                category,
                discounts=draw(st.none() | st.booleans()),
                points_payment=draw(st.none() | st.booleans()),
                max_points_share=draw(st.none() | st.integers(0, 10_000)),
                earns_points=draw(st.none() | st.booleans()),
            )
            for category in draw(st.lists(st.sampled_from(CATEGORIES), unique=True, max_size=3))
        ),
        price_lists=(
            PriceList(
                "wholesale",
                1,
                "Опт-1",
                draw(st.dictionaries(st.sampled_from(sorted(PRODUCTS)), prices, max_size=4)),
            ),
        ),
    )


@st.composite
def bonus_programs(draw: st.DrawFn) -> BonusProgram:
    redeem_points, redeem_value = draw(
        st.sampled_from([(100, 100), (1, 100), (10, 100), (1000, 1)])
    )
    return BonusProgram(
        id="bonus",
        version=1,
        name="Bonus",
        earn_points=draw(st.integers(0, 10)),
        earn_per=draw(st.sampled_from([100, 1000, 33])),
        redeem_points=redeem_points,
        redeem_value=redeem_value,
        max_points_share=draw(st.integers(0, 10_000)),
        spend_delay_days=draw(st.sampled_from([0, 0, 14])),
        expiry_days=draw(st.sampled_from([None, None, 365])),
    )


@st.composite
def point_lots(draw: st.DrawFn, index: int) -> PointLot:
    earned_at = START - timedelta(days=draw(st.integers(1, 400)))
    return PointLot(
        id=f"lot-{index}",
        points=draw(st.integers(1, 20_000)),
        earned_at=earned_at,
        available_at=draw(st.none() | st.just(earned_at + timedelta(days=14))),
        expires_at=draw(st.none() | st.integers(1, 800).map(lambda d: earned_at + timedelta(d))),
    )


@st.composite
def customers(draw: st.DrawFn) -> Customer:
    own = tuple(
        PersonalDiscount(f"own-{i}", 1, f"Own {i}", draw(percents), draw(st.booleans()))
        for i in range(draw(st.integers(0, 2)))
    )
    used = draw(st.frozensets(st.sampled_from(["own-0", "own-1", *(f"group-{g}" for g in GROUPS)])))
    return Customer(
        id="C-1",
        groups=draw(st.frozensets(st.sampled_from(GROUPS))),
        price_list=draw(st.none() | st.just("wholesale")),
        discounts=own,
        used_one_time=used,
        lifetime_purchases=draw(st.sampled_from([0, 99_999, 100_000, 250_000, 500_000])),
        point_lots=tuple(draw(point_lots(i)) for i in range(draw(st.integers(0, 3)))),
    )


@st.composite
def sale_lines(draw: st.DrawFn) -> SaleLine:
    product = draw(st.sampled_from(sorted(PRODUCTS)))
    weighed = draw(st.booleans())
    return SaleLine(
        product_id=product,
        name=product.title(),
        price=draw(prices),
        quantity=draw(st.integers(1, 5_000) if weighed else st.sampled_from([1000, 2000, 5000])),
        category=PRODUCTS[product],
        vat_rate=draw(st.sampled_from([0, 700, 2000])),
        min_price=draw(st.sampled_from([0, 0, 5_000])),
        manual=draw(
            st.none() | st.builds(ManualDiscount, percent=percents, given_by=st.just("manager-1"))
        ),
    )


@st.composite
def sale_requests(draw: st.DrawFn) -> SaleRequest:
    """A request spending the maximum of points (``points_to_spend`` null)."""
    return SaleRequest(
        receipt_id="R-1",
        at=draw(moments),
        store=Store("Europe/Kyiv", cash_step=draw(st.sampled_from([1, 10, 50]))),
        programs=draw(programs()),
        cart=Cart(tuple(draw(st.lists(sale_lines(), min_size=1, max_size=6)))),
        customer=draw(often(customers())),
    )

"""Discount rules of issue 3: kinds, stacking, windows, price lists, categories, limits."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime

from kassa.domain.pricing import (
    CategoryRule,
    CumulativeProgram,
    Customer,
    DiscountKind,
    GroupDiscount,
    HourRange,
    ManualDiscount,
    PersonalDiscount,
    PriceList,
    Programs,
    Promotion,
    Stacking,
    StackingMode,
    Tier,
    Weekday,
    Window,
    price_receipt,
)
from tests.pricing.builders import KYIV, line, request, totals

VIP = Customer("C-1", groups=frozenset({"vip"}))
VIP_3 = GroupDiscount("vip-3", 4, "VIP 3%", "vip", 300)


def promotion(**fields: object) -> Promotion:
    defaults: dict[str, object] = {"id": "promo", "version": 2, "name": "Promo", "percent": 500}
    return Promotion(**{**defaults, **fields})  # type: ignore[arg-type]


def test_category_promotion_covers_subcategories_only() -> None:
    programs = Programs(promotions=(promotion(categories=frozenset({"drinks"})),))
    receipt = price_receipt(
        request(
            line("latte", category=("drinks", "coffee", "hot")),
            line("cola", category=("drinks",)),
            line("bread", category=("food", "drinks-like")),
            programs=programs,
        )
    )
    assert totals(receipt) == [9500, 9500, 10_000]


def test_every_applied_discount_names_its_source() -> None:
    programs = Programs(
        promotions=(promotion(products=frozenset({"mug"})),), group_discounts=(VIP_3,)
    )
    (priced,) = price_receipt(request(programs=programs, customer=VIP)).lines
    assert [
        (d.kind, d.program_id, d.program_version, d.percent, d.amount) for d in priced.discounts
    ] == [
        (DiscountKind.SPECIAL, "promo", 2, 500, 500),
        (DiscountKind.PERSONAL, "vip-3", 4, 300, 300),
    ]


def test_fixed_price_is_exact_for_weighed_goods() -> None:
    programs = Programs(
        promotions=(promotion(percent=None, fixed_price=7999, products=frozenset({"cheese"})),)
    )
    receipt = price_receipt(request(line("cheese", 9999, 375), programs=programs))
    # 99.99 x 0.375 = 37.50; 79.99 x 0.375 = 30.00 (29.99625 half-up)
    assert receipt.lines[0].base_total == 3750
    assert totals(receipt) == [3000]
    assert receipt.lines[0].discounts[0].percent == 2000


def test_price_list_is_the_base_and_nothing_makes_it_dearer() -> None:
    price_list = PriceList("opt-1", 1, "Опт-1", {"mug": 8000})
    dearer_special = promotion(percent=None, fixed_price=9000, products=frozenset({"mug"}))
    programs = Programs(
        price_lists=(price_list,), promotions=(dearer_special,), group_discounts=(VIP_3,)
    )
    customer = replace(VIP, price_list="opt-1")
    for mode in StackingMode:
        stacked = replace(programs, stacking=Stacking(mode))
        receipt = price_receipt(request(line(), line("cup"), programs=stacked, customer=customer))
        # the special's 90.00 is dearer than the list's 80.00, so the personal 3% applies
        assert totals(receipt) == [7760, 9700]
        assert receipt.lines[0].price_list == "opt-1" and receipt.lines[1].price_list is None
        assert [d.kind for d in receipt.lines[0].discounts] == [DiscountKind.PERSONAL]
        assert receipt.customer_terms == ("Опт-1",)


def test_priority_order_is_configurable() -> None:
    programs = Programs(
        stacking=Stacking(
            StackingMode.PRIORITY,
            priority=(DiscountKind.CUMULATIVE, DiscountKind.SPECIAL, DiscountKind.PERSONAL),
        ),
        promotions=(promotion(products=frozenset({"mug"})),),
        group_discounts=(VIP_3,),
        cumulative=CumulativeProgram("cum", 1, "Cumulative", (Tier(0, 100),)),
    )
    assert totals(price_receipt(request(programs=programs, customer=VIP))) == [9900]
    assert totals(price_receipt(request(programs=programs))) == [9500]  # no customer, no tier


def test_within_a_kind_the_best_wins_and_they_do_not_add() -> None:
    one_time = PersonalDiscount("gift-15", 1, "Gift 15%", 1500, one_time=True)
    programs = Programs(group_discounts=(VIP_3,))
    customer = replace(VIP, discounts=(one_time,))
    receipt = price_receipt(request(programs=programs, customer=customer))
    assert totals(receipt) == [8500]
    assert receipt.one_time_used == ("gift-15",)


def test_on_a_tie_a_permanent_discount_keeps_the_one_time_one_for_later() -> None:
    one_time = PersonalDiscount("gift-3", 1, "Gift 3%", 300, one_time=True)
    programs = Programs(group_discounts=(VIP_3,))
    receipt = price_receipt(
        request(programs=programs, customer=replace(VIP, discounts=(one_time,)))
    )
    assert receipt.lines[0].discounts[0].program_id == "vip-3"
    assert receipt.one_time_used == ()


def test_a_one_time_discount_is_used_only_where_it_wins_a_line() -> None:
    one_time = PersonalDiscount("gift-15", 1, "Gift 15%", 1500, one_time=True)
    programs = Programs(
        stacking=Stacking(StackingMode.PRIORITY),
        promotions=(promotion(categories=frozenset({"all"})),),
    )
    customer = Customer("C-1", discounts=(one_time,))
    receipt = price_receipt(request(line(category=("all",)), programs=programs, customer=customer))
    assert totals(receipt) == [9500]
    assert receipt.one_time_used == ()


def test_one_time_group_discount_and_used_ones() -> None:
    welcome = GroupDiscount("welcome", 1, "Welcome 10%", "new", 1000, one_time=True)
    programs = Programs(group_discounts=(welcome, VIP_3))
    customer = Customer("C-1", groups=frozenset({"new", "vip"}))
    first = price_receipt(request(programs=programs, customer=customer))
    assert (totals(first), first.one_time_used) == ([9000], ("welcome",))
    used = replace(customer, used_one_time=frozenset({"welcome"}))
    assert totals(price_receipt(request(programs=programs, customer=used))) == [9700]


def test_sum_cap_trims_the_smaller_discount_but_never_the_best_single_one() -> None:
    programs = Programs(
        stacking=Stacking(StackingMode.SUM, cap=1000),
        promotions=(promotion(percent=800, products=frozenset({"mug"})),),
        group_discounts=(replace(VIP_3, percent=500),),
    )
    (priced,) = price_receipt(request(programs=programs, customer=VIP)).lines
    assert [(d.kind, d.amount, d.capped) for d in priced.discounts] == [
        (DiscountKind.SPECIAL, 800, False),
        (DiscountKind.PERSONAL, 200, True),
    ]
    low_cap = replace(programs, stacking=Stacking(StackingMode.SUM, cap=500))
    (priced,) = price_receipt(request(programs=low_cap, customer=VIP)).lines
    assert [(d.kind, d.amount) for d in priced.discounts] == [(DiscountKind.SPECIAL, 800)]


def test_equal_discounts_in_sum_mode_keep_the_priority_order_under_a_cap() -> None:
    programs = Programs(
        stacking=Stacking(
            StackingMode.SUM,
            cap=500,
            priority=(DiscountKind.PERSONAL, DiscountKind.SPECIAL, DiscountKind.CUMULATIVE),
        ),
        promotions=(promotion(percent=300, products=frozenset({"mug"})),),
        group_discounts=(VIP_3,),
    )
    (priced,) = price_receipt(request(programs=programs, customer=VIP)).lines
    assert [(d.kind, d.amount, d.capped) for d in priced.discounts] == [
        (DiscountKind.PERSONAL, 300, False),
        (DiscountKind.SPECIAL, 200, True),
    ]


def test_between_promotions_the_most_off_wins_then_larger_percent_then_smaller_id() -> None:
    programs = Programs(
        promotions=(
            promotion(id="b", percent=1000, products=frozenset({"mug"})),
            promotion(id="a", percent=1000, categories=frozenset({"home"})),
            promotion(id="c", percent=None, fixed_price=9000, products=frozenset({"mug"})),
            promotion(id="d", percent=None, fixed_price=9500, categories=frozenset({"home"})),
        )
    )
    (priced,) = price_receipt(request(line(category=("home",)), programs=programs)).lines
    # a, b and c all take 10.00 and 10%: the smallest id wins
    assert [(d.program_id, d.amount) for d in priced.discounts] == [("a", 1000)]


def test_manual_discount_applies_last_and_names_who_gave_it() -> None:
    manual = ManualDiscount(1000, "manager-7", "scratched")
    programs = Programs(group_discounts=(VIP_3,))
    (priced,) = price_receipt(request(line(manual=manual), programs=programs, customer=VIP)).lines
    assert [(d.kind, d.amount, d.given_by) for d in priced.discounts] == [
        (DiscountKind.PERSONAL, 300, None),
        (DiscountKind.MANUAL, 970, "manager-7"),
    ]
    assert priced.total == 8730


def test_closed_category_takes_no_discount_of_any_kind() -> None:
    programs = Programs(
        promotions=(promotion(categories=frozenset({"tobacco"})),),
        group_discounts=(VIP_3,),
        category_rules=(CategoryRule("tobacco", discounts=False),),
    )
    manual = ManualDiscount(1000, "manager-7")
    receipt = price_receipt(
        request(
            line(category=("tobacco", "cigars"), manual=manual), programs=programs, customer=VIP
        )
    )
    assert receipt.lines[0].discounts == ()


def test_category_rules_inherit_field_by_field() -> None:
    programs = Programs(
        category_rules=(
            CategoryRule("food", points_payment=False, max_points_share=2000),
            CategoryRule("dairy", points_payment=True),
        )
    )
    policy = programs.policy_for(("food", "dairy", "cheese"))
    assert (policy.discounts, policy.points_payment, policy.max_points_share) == (True, True, 2000)
    assert programs.policy_for(("food", "bakery")).points_payment is False


def test_minimum_price_limits_discounts() -> None:
    programs = Programs(promotions=(promotion(percent=2000, products=frozenset({"vodka"})),))
    (priced,) = price_receipt(
        request(line("vodka", 30_000, min_price=28_000), programs=programs)
    ).lines
    assert priced.total == 28_000
    assert [(d.amount, d.capped) for d in priced.discounts] == [(2000, True)]
    (priced,) = price_receipt(
        request(line("vodka", 27_000, min_price=28_000), programs=programs)
    ).lines
    assert priced.discounts == () and priced.total == 27_000


def test_windows_use_store_time_dates_inclusive_and_hours_half_open() -> None:
    window = Window(
        date_from=date(2025, 6, 2),
        date_to=date(2025, 6, 8),
        weekdays=frozenset({Weekday.MON, Weekday.SUN}),
        hours=(HourRange(0, 60), HourRange(22 * 60, 24 * 60)),
    )
    programs = Programs(promotions=(promotion(products=frozenset({"mug"}), window=window),))

    def total_at(moment: datetime) -> int:
        return price_receipt(request(programs=programs, at=moment)).lines[0].total

    assert total_at(datetime(2025, 6, 1, 21, 30, tzinfo=KYIV)) == 10_000  # before date_from
    # Sunday 22:30 UTC is Monday 01:30 in Kyiv: outside the hours
    assert total_at(datetime.fromisoformat("2025-06-01T22:30:00+00:00")) == 10_000
    # Sunday 21:30 UTC is Monday 00:30 in Kyiv: inside
    assert total_at(datetime.fromisoformat("2025-06-01T21:30:00+00:00")) == 9500
    assert total_at(datetime(2025, 6, 8, 23, 59, tzinfo=KYIV)) == 9500  # last day, till 24:00
    assert total_at(datetime(2025, 6, 9, 0, 30, tzinfo=KYIV)) == 10_000  # after date_to
    assert total_at(datetime(2025, 6, 4, 22, 30, tzinfo=KYIV)) == 10_000  # a Wednesday


def test_group_promotion_only_for_its_groups() -> None:
    programs = Programs(
        promotions=(promotion(products=frozenset({"mug"}), groups=frozenset({"vip"})),)
    )
    assert totals(price_receipt(request(programs=programs, customer=VIP))) == [9500]
    assert totals(price_receipt(request(programs=programs, customer=Customer("C-2")))) == [10_000]
    assert totals(price_receipt(request(programs=programs))) == [10_000]


def test_vat_per_rate_after_discounts() -> None:
    programs = Programs(group_discounts=(VIP_3,))
    receipt = price_receipt(
        request(
            line("a", 10_000, vat_rate=2000),
            line("b", 5_000, vat_rate=2000),
            line("c", 10_000, vat_rate=700),
            programs=programs,
            customer=VIP,
        )
    )
    assert [(v.rate, v.gross, v.vat) for v in receipt.vat] == [
        (700, 9700, 635),  # 97.00 x 7/107 = 6.346
        (2000, 14_550, 2425),  # 145.50 x 20/120 = 24.25
    ]


def test_pricing_is_deterministic_and_caches_per_customer_groups() -> None:
    programs = Programs(
        promotions=(promotion(products=frozenset({"mug"}), groups=frozenset({"vip"})),)
    )
    sale = request(programs=programs, customer=VIP)
    assert price_receipt(sale) == price_receipt(sale)
    same_minute = datetime(2025, 6, 4, 10, 0, 30, tzinfo=KYIV)
    other = replace(sale, customer=Customer("C-2"), at=same_minute)
    assert totals(price_receipt(sale)) == [9500]
    assert totals(price_receipt(other)) == [10_000]


def test_one_programs_object_follows_its_windows_through_the_day() -> None:
    window = Window(hours=(HourRange(9 * 60, 12 * 60), HourRange(13 * 60, 14 * 60)))
    programs = Programs(promotions=(promotion(products=frozenset({"mug"}), window=window),))
    sale = request(programs=programs, customer=VIP)
    moments = [(11, 59), (12, 0), (12, 59), (13, 0), (11, 0), (14, 0)]
    assert [
        totals(price_receipt(replace(sale, at=datetime(2025, 6, 4, h, m, tzinfo=KYIV))))[0]
        for h, m in moments
    ] == [9500, 10_000, 10_000, 9500, 9500, 10_000]

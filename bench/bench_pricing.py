"""Benchmark of the pricing engine (issue 3): a 200-line cart against 1,000 active
promotions and 100 customer groups, priced repeatedly on one core.

Run from the repository root: ``.venv/bin/python bench/bench_pricing.py`` (or ``python
bench/bench_pricing.py`` in the activated venv); pricing runs on one thread. Prints median,
p99 and spread of ``price_receipt`` when re-pricing the same customer's receipt (as the till
does on every scan), with a customer in other groups every time, which finds no open
promotions cached (lines priced before for a customer with the same personal discount and
tier are reused), and with a personal discount never seen before every time, which finds
no line priced on its terms (only what lines take from all but the personal discount and
tier: policy, base price, best promotion); the promotion index is built once per programs
version, as at a till, and its build time is printed apart. Each case runs with Python's
default garbage collector and after ``gc.freeze()`` (what a long-running till should do
once it has loaded its programs): a full collection scans every object of the process and
costs tens of milliseconds, which is what the default p99 shows. A fixed loop is timed
before and after, so that runs on a machine whose speed varies can be compared.
"""

from __future__ import annotations

import argparse
import gc
import platform
import random
import statistics
import time
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

from kassa.domain.pricing import (
    BonusProgram,
    Cart,
    CategoryRule,
    CumulativeProgram,
    Customer,
    GroupDiscount,
    HourRange,
    PersonalDiscount,
    PointLot,
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
    price_receipt,
)

AT = datetime(2025, 6, 4, 11, 30, tzinfo=UTC)  # a Wednesday, 14:30 in Kyiv
TOPS = [f"c{i}" for i in range(10)]


def category_of(product: int) -> tuple[str, ...]:
    top = TOPS[product % 10]
    return ("all", top, f"{top}-{product // 10 % 10}")


def open_window(rng: random.Random) -> Window:
    """A window open at AT, with dates, weekdays and hours to evaluate."""
    return Window(
        date_from=date(2025, 6, 1) - timedelta(days=rng.randrange(30)),
        date_to=date(2025, 6, 30),
        weekdays=frozenset(Weekday) - {Weekday.SUN} if rng.random() < 0.5 else frozenset(),
        hours=(HourRange(9 * 60, 12 * 60), HourRange(13 * 60, 21 * 60)),
    )


def make_programs(rng: random.Random, mode: StackingMode) -> Programs:
    promotions = []
    for i in range(1000):
        if rng.random() < 0.4:
            products = frozenset(f"p{rng.randrange(200)}" for _ in range(rng.randint(1, 3)))
            categories: frozenset[str] = frozenset()
        else:
            products = frozenset()
            categories = frozenset({rng.choice(category_of(rng.randrange(200))[1:])})
        fixed = rng.random() < 0.3
        promotions.append(
            Promotion(
                id=f"promo-{i}",
                version=1,
                name=f"Promotion {i}",
                percent=None if fixed else rng.randint(1, 40) * 100,
                fixed_price=rng.randint(100, 20_000) if fixed else None,
                products=products,
                categories=categories,
                groups=frozenset({f"g{rng.randrange(100)}"}) if rng.random() < 0.3 else frozenset(),
                window=open_window(rng),
            )
        )
    return Programs(
        stacking=Stacking(mode=mode, cap=2500),
        promotions=tuple(promotions),
        group_discounts=tuple(
            GroupDiscount(f"gd-{g}", 1, f"Group {g}", f"g{g}", rng.randint(1, 15) * 100)
            for g in range(100)
        ),
        cumulative=CumulativeProgram(
            "cumulative", 1, "Cumulative", (Tier(0, 0), Tier(1_000_000, 300), Tier(5_000_000, 500))
        ),
        bonus=BonusProgram("bonus", 1, "Bonus", 5, 100, 100, 100, max_points_share=5000),
        category_rules=(
            CategoryRule("c3", discounts=False, points_payment=False, earns_points=False),
            CategoryRule("c5-1", max_points_share=2000),
        ),
    )


def make_request(rng: random.Random, programs: Programs) -> SaleRequest:
    lines = tuple(
        SaleLine(
            product_id=f"p{i}",
            name=f"Product {i}",
            price=rng.randint(100, 50_000),
            quantity=rng.choice([1000, 2000, 3000, rng.randint(50, 5000)]),
            category=category_of(i),
            vat_rate=rng.choice([0, 700, 2000]),
        )
        for i in range(200)
    )
    customer = Customer(
        id="C-1",
        groups=frozenset(f"g{g}" for g in rng.sample(range(100), 10)),
        lifetime_purchases=2_000_000,
        point_lots=tuple(
            PointLot(f"lot-{i}", 500, earned_at=AT - timedelta(days=300 - i)) for i in range(50)
        ),
    )
    return SaleRequest(
        receipt_id="R-1",
        at=AT,
        store=Store("Europe/Kyiv", cash_step=10),
        programs=programs,
        cart=Cart(lines),
        customer=customer,
    )


def percentile(ordered: list[float], fraction: float) -> float:
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def timed(requests: Iterator[SaleRequest]) -> list[float]:
    """Milliseconds per ``price_receipt`` call, sorted; each request is made untimed."""
    timings = []
    for request in requests:
        started = time.perf_counter()
        price_receipt(request)
        timings.append((time.perf_counter() - started) * 1000)
    return sorted(timings)


def repricing(request: SaleRequest, repeats: int) -> Iterator[SaleRequest]:
    """The till re-prices the open receipt on every scan, minutes passing."""
    for i in range(repeats):
        yield replace(request, at=AT + timedelta(minutes=i % 360))


def new_customers(request: SaleRequest, repeats: int, rng: random.Random) -> Iterator[SaleRequest]:
    """A customer in other groups every time: no open promotion is cached for them."""
    assert request.customer is not None
    for _ in range(repeats):
        groups = frozenset(f"g{g}" for g in rng.sample(range(100), 10))
        yield replace(request, customer=replace(request.customer, groups=groups))


def new_terms(request: SaleRequest, repeats: int, rng: random.Random) -> Iterator[SaleRequest]:
    """A customer in other groups with a personal discount of their own every time: no
    line priced on these terms before."""
    assert request.customer is not None
    for i in range(repeats):
        groups = frozenset(f"g{g}" for g in rng.sample(range(100), 10))
        own = (PersonalDiscount(f"own-{i}", 1, "Own", 1600),)
        yield replace(request, customer=replace(request.customer, groups=groups, discounts=own))


def run(mode: StackingMode, repeats: int, freeze: bool) -> None:
    rng = random.Random(3)
    programs = make_programs(rng, mode)
    request = make_request(rng, programs)
    started = time.perf_counter()
    programs.promotion_index  # noqa: B018 - built once per programs version
    index_ms = (time.perf_counter() - started) * 1000
    for _ in range(20):
        price_receipt(request)
    if freeze:
        gc.freeze()
    cases = {
        "re-pricing": repricing(request, repeats),
        "new customer": new_customers(request, repeats, rng),
        "new terms": new_terms(request, repeats, rng),
    }
    for case, requests in cases.items():
        wall = timed(requests)
        collector = "gc.freeze()" if freeze else "default gc"
        print(
            f"{mode.value:8} {case:12} {collector:11}  "
            f"median {statistics.median(wall):5.2f} ms  "
            f"p99 {percentile(wall, 0.99):5.2f} ms  "
            f"spread {wall[0]:.2f}-{wall[-1]:.2f} ms  "
            f"IQR {percentile(wall, 0.75) - percentile(wall, 0.25):.2f} ms"
        )
    gc.unfreeze()
    if freeze:
        print(f"{mode.value:8} index build {index_ms:.1f} ms (once per programs version)")


def calibration_ms() -> float:
    """A fixed pure-Python loop, to tell a slow machine (or a slow moment of one) apart."""
    started = time.perf_counter()
    total = 0
    for i in range(1_000_000):
        total += i
    return (time.perf_counter() - started) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=500, help="timed runs per case")
    args = parser.parse_args()
    print(
        f"price_receipt: 200 lines, 1,000 promotions, 100 groups, {args.repeats} runs per case; "
        f"Python {platform.python_version()} on {platform.machine()}, one core; "
        f"calibration loop {calibration_ms():.0f} ms"
    )
    for mode in StackingMode:
        for freeze in (False, True):
            run(mode, args.repeats, freeze)
    print(f"calibration loop {calibration_ms():.0f} ms")


if __name__ == "__main__":
    main()

"""`central load-programs` and `central load-terms` on a real database file."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from central.demo import DEMO_PROGRAMS
from central.storage.sqlite import SqliteStorage
from kassa.domain.pricing import Programs, decode
from tests.central_process import prepare_chain


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "central.db"
    prepare_chain(path)
    return path


def central(db: Path, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "central.cli", args[0], "--db", str(db), *args[1:]],
        input=stdin, capture_output=True, text=True, timeout=60,
    )


def query(db: Path, sql: str) -> list[tuple[object, ...]]:
    storage = SqliteStorage(db)
    try:
        return list(storage.db.conn.execute(sql).fetchall())
    finally:
        storage.close()


def feed_kinds(db: Path) -> list[object]:
    return [row[0] for row in query(db, "SELECT kind FROM changes ORDER BY seq")]


def demo_programs() -> dict[str, object]:
    value = json.loads(DEMO_PROGRAMS.read_text(encoding="utf-8"))
    assert isinstance(value, dict)
    return value


def test_load_programs_stores_the_next_version_and_feeds_it(db: Path, tmp_path: Path) -> None:
    programs = demo_programs()
    programs["stacking"] = {"mode": "sum", "cap": "20"}
    path = tmp_path / "programs.json"
    path.write_text(json.dumps(programs, ensure_ascii=False), encoding="utf-8")
    done = central(db, "load-programs", str(path))
    assert (done.returncode, done.stdout, done.stderr) == (
        0, "pricing programs version 2 stored\n", "")
    ((stored,),) = query(db, "SELECT json FROM pricing_programs WHERE version = 2")
    assert decode(Programs, json.loads(str(stored))).stacking.cap == 2000
    assert feed_kinds(db)[-1] == "pricing_programs"
    assert [r[0] for r in query(db, "SELECT version FROM pricing_programs")] == [1, 2]


def _bad_earn_per(programs: dict[str, object]) -> None:
    bonus = programs["bonus"]
    assert isinstance(bonus, dict)
    bonus["earn_per"] = "0"


def _unknown_field(programs: dict[str, object]) -> None:
    programs["loyalty"] = {}


def _drops_a_price_list_in_use(programs: dict[str, object]) -> None:
    del programs["price_lists"]


@pytest.mark.parametrize(
    ("spoil", "error"),
    [
        (_bad_earn_per, "error: programs.bonus.earn_per: must be > 0"),
        (_unknown_field, "error: programs.loyalty: unknown field"),
        (_drops_a_price_list_in_use,
         "error: programs.price_lists: customer 'c-ivanova' has price list 'opt-1'"),
    ],
    ids=["bad value", "unknown field", "price list in use"],
)
def test_bad_programs_are_refused_naming_the_field(
    db: Path, spoil: Callable[[dict[str, object]], None], error: str
) -> None:
    programs = demo_programs()
    spoil(programs)
    before = feed_kinds(db)
    done = central(db, "load-programs", "-", stdin=json.dumps(programs))
    assert (done.returncode, done.stdout, done.stderr) == (2, "", error + "\n")
    assert query(db, "SELECT version FROM pricing_programs") == [(1,)]
    assert feed_kinds(db) == before


def test_programs_that_are_not_json_are_refused(db: Path) -> None:
    done = central(db, "load-programs", "-", stdin="{")
    assert done.returncode == 2
    assert done.stderr.startswith("error: programs: not valid JSON")


TERMS = [
    {"customer_id": "c-shevchenko", "groups": ["students"], "price_list": None,
     "discounts": [{"id": "wholesale-7", "version": 2, "name": "Опт 7%", "percent": "7"}]},
    {"customer_id": "c-ivanova", "groups": [], "price_list": "opt-1"},
]


def test_load_terms_replaces_each_customers_terms_and_feeds_them(
    db: Path, tmp_path: Path
) -> None:
    path = tmp_path / "terms.json"
    path.write_text(json.dumps(TERMS, ensure_ascii=False), encoding="utf-8")
    done = central(db, "load-terms", str(path))
    assert (done.returncode, done.stdout, done.stderr) == (0, "terms of 2 customers stored\n", "")
    rows = query(db, "SELECT customer_id, groups, price_list, discounts_json "
                     "FROM customer_terms ORDER BY customer_id")
    assert [r[:3] for r in rows] == [
        ("c-ivanova", "[]", "opt-1"),
        ("c-kovalenko", '["vip", "birthday"]', ""),  # the demo's, untouched
        ("c-shevchenko", '["students"]', ""),
    ]
    assert json.loads(str(rows[2][3])) == [{"id": "wholesale-7", "version": 2,
                                            "name": "Опт 7%", "percent": "7",
                                            "one_time": False}]
    assert feed_kinds(db)[-2:] == ["customer_terms", "customer_terms"]


@pytest.mark.parametrize(
    ("item", "error"),
    [
        ({"customer_id": "x"}, "error: [2].customer_id: no customer 'x'"),
        ({"customer_id": "c-kovalenko", "price_list": "opt-9"},
         "error: [2].price_list: no price list 'opt-9' in the pricing programs"),
        ({"customer_id": "c-kovalenko", "discounts": [{"id": "d", "version": 1, "name": "D",
                                                       "percent": "120"}]},
         "error: [2].discounts[0].percent: must be above 0 and at most 100"),
        ({"customer_id": "c-kovalenko", "colour": "red"}, "error: [2].colour: unknown field"),
        ({"groups": ["vip"]}, "error: [2].customer_id: must be a customer id"),
    ],
    ids=["unknown customer", "unknown price list", "bad discount", "unknown field",
         "no customer"],
)
def test_bad_terms_are_refused_naming_the_field_and_nothing_is_stored(
    db: Path, item: dict[str, object], error: str
) -> None:
    before = (query(db, "SELECT * FROM customer_terms ORDER BY customer_id"), feed_kinds(db))
    done = central(db, "load-terms", "-", stdin=json.dumps([*TERMS, item]))
    assert (done.returncode, done.stdout, done.stderr) == (2, "", error + "\n")
    after = (query(db, "SELECT * FROM customer_terms ORDER BY customer_id"), feed_kinds(db))
    assert after == before

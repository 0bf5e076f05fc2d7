"""`central` command: serve, create the demo, enrol and revoke tills, load the catalog,
customers, pricing programs and customer terms, delete and merge customers, sync reports."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from collections.abc import Callable
from pathlib import Path

from central.demo import create_demo, enrol
from central.server import ServerTls, serve
from central.storage import reports
from central.storage.catalog import parse_catalog_file, parse_customers_file
from central.storage.customers import CustomerRefused
from central.storage.open import open_storage
from central.storage.pricing import parse_terms_file
from central.storage.sqlite import SqliteStorage
from kassa.domain.pricing import InputError

DB_HELP = "SQLite database file, or a postgresql://user@host/database URL"


def _serve(args: argparse.Namespace) -> int:
    def ready(port: int) -> None:
        # Tests and scripts read this line to learn the port when --listen ends in :0.
        print(f"central listening on port {port}", flush=True)

    if bool(args.tls_cert) != bool(args.tls_key):
        print("error: --tls-cert and --tls-key go together", file=sys.stderr)
        return 2
    if args.client_ca and not args.tls_cert:
        print("error: --client-ca needs --tls-cert and --tls-key", file=sys.stderr)
        return 2
    tls = ServerTls(
        Path(args.tls_cert), Path(args.tls_key), Path(args.client_ca) if args.client_ca else None
    ) if args.tls_cert else None
    asyncio.run(serve(lambda: open_storage(args.db), args.listen, ready, tls))
    return 0


def _stores(args: argparse.Namespace) -> int:
    storage = open_storage(args.db)
    try:
        rows = reports.tills(storage.db.conn)
    finally:
        storage.close()
    print(f"{'store':<12} {'till':<8} {'last contact':<25} {'pending':>7} {'oldest':>9} "
          f"{'behind':>7} {'resent':>6}")
    for r in rows:
        contact = "revoked" if r.revoked else (r.last_contact or "never")
        print(f"{r.store_id:<12} {r.till_id:<8} {contact[:25]:<25} {r.pending_events:>7} "
              f"{r.oldest_pending_ms // 1000:>8}s {r.feed_lag:>7} {r.repeats:>6}")
    return 0


def _overdrafts(args: argparse.Namespace) -> int:
    storage = open_storage(args.db)
    try:
        rows = reports.overdrafts(storage.db.conn)
        reused = reports.one_time_overuses(storage.db.conn)
    finally:
        storage.close()
    if not rows and not reused:
        print("no overdrafts")
    for r in rows:
        state = "repaid" if r.balance_now >= 0 else f"balance now {r.balance_now}"
        print(f"{r.recorded_at}  customer {r.customer_id}  store {r.store_id} till {r.till_id}  "
              f"spent {-r.points}  balance {r.balance_after}  ({state})")
    for u in reused:
        print(f"{u.recorded_at}  customer {u.customer_id}  store {u.store_id}  one-time "
              f"discount {u.discount_id} used again on {u.purchase_id}")
    return 0


def _compact(args: argparse.Namespace) -> int:
    storage = open_storage(args.db)
    try:
        removed = storage.compact_feed(args.through)
    finally:
        storage.close()
    print(f"removed {removed} changes; tills behind {args.through} will re-bootstrap")
    return 0


def _demo(args: argparse.Namespace) -> int:
    data = Path(args.data)
    if create_demo(data, args.address):
        print(f"demo created in {data}")
    else:
        print(f"demo already present in {data}")
    return 0


def _enrol(args: argparse.Namespace) -> int:
    storage = open_storage(args.db)
    try:
        token = enrol(storage, args.till, args.store)
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    finally:
        storage.close()
    print(token)
    return 0


def _revoke(args: argparse.Namespace) -> int:
    storage = open_storage(args.db)
    try:
        found = storage.revoke_till(args.till)
    finally:
        storage.close()
    if not found:
        print(f"error: no till {args.till!r}", file=sys.stderr)
        return 2
    print(f"till {args.till} revoked")
    return 0


def _read_input(name: str) -> str:
    """A file's text, or standard input for "-"."""
    return sys.stdin.read() if name == "-" else Path(name).read_text(encoding="utf-8")


def _change(args: argparse.Namespace, action: Callable[[SqliteStorage], str]) -> int:
    """Run one HQ change on the database: its message on success; on bad input one line
    naming the problem on stderr and exit status 2, with nothing stored."""
    storage = open_storage(args.db)
    try:
        done = action(storage)
    except (InputError, CustomerRefused, OSError, UnicodeDecodeError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    finally:
        storage.close()
    print(done)
    return 0


def _load_programs(args: argparse.Namespace) -> int:
    def load(storage: SqliteStorage) -> str:
        stored = storage.put_pricing_programs(_read_input(args.file))
        return f"pricing programs version {stored.version} stored"

    return _change(args, load)


def _load_terms(args: argparse.Namespace) -> int:
    def load(storage: SqliteStorage) -> str:
        terms = parse_terms_file(_read_input(args.file))
        storage.load_customer_terms(terms)
        return f"terms of {len(terms)} customers stored"

    return _change(args, load)


def _load_catalog(args: argparse.Namespace) -> int:
    def load(storage: SqliteStorage) -> str:
        loaded = parse_catalog_file(_read_input(args.file))
        storage.load_catalog(loaded)
        return f"{len(loaded.categories)} categories and {len(loaded.products)} products stored"

    return _change(args, load)


def _load_customers(args: argparse.Namespace) -> int:
    def load(storage: SqliteStorage) -> str:
        rows = parse_customers_file(_read_input(args.file), args.region)
        storage.load_customers(rows)
        return f"{len(rows)} customers stored"

    return _change(args, load)


def _delete_customer(args: argparse.Namespace) -> int:
    def delete(storage: SqliteStorage) -> str:
        storage.delete_customer(args.customer)
        return (f"customer {args.customer} deleted: personal data erased, cards blocked, "
                "ledger kept")

    return _change(args, delete)


def _merge_customers(args: argparse.Namespace) -> int:
    def merge(storage: SqliteStorage) -> str:
        moved = storage.merge_customers(args.survivor, args.gone)
        return (f"customer {args.gone} merged into {args.survivor}; moved: cards {moved.cards}, "
                f"ledger entries {moved.ledger_entries}, purchases {moved.purchases}")

    return _change(args, merge)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="central", description="Kassa central server")
    commands = parser.add_subparsers(dest="command", required=True)

    p = commands.add_parser("serve", help="run the gRPC server")
    p.add_argument("--db", required=True, help=DB_HELP)
    p.add_argument("--listen", default="127.0.0.1:50651", help="host:port (port 0: any)")
    p.add_argument("--tls-cert", help="certificate chain (PEM); without it: plaintext")
    p.add_argument("--tls-key", help="private key of the certificate (PEM)")
    p.add_argument("--client-ca", help="CA (PEM) of the tills' client certificates: mutual TLS, "
                   "each certificate naming its till id (CN or SAN)")
    p.set_defaults(func=_serve)

    p = commands.add_parser("stores", help="per till: last contact, pending events, lag")
    p.add_argument("--db", required=True, help=DB_HELP)
    p.set_defaults(func=_stores)

    p = commands.add_parser("overdrafts", help="points spent twice offline (balances < 0)")
    p.add_argument("--db", required=True, help=DB_HELP)
    p.set_defaults(func=_overdrafts)

    p = commands.add_parser("compact-feed", help="forget feed changes up to a position")
    p.add_argument("--db", required=True, help=DB_HELP)
    p.add_argument("--through", type=int, required=True)
    p.set_defaults(func=_compact)

    p = commands.add_parser("load-catalog", help="check and store categories and products")
    p.add_argument("--db", required=True, help=DB_HELP)
    p.add_argument("file", help='JSON {"categories": [...], "products": [...]} as docs/sync.md '
                                'describes; - for stdin')
    p.set_defaults(func=_load_catalog)

    p = commands.add_parser("load-customers", help="check and store customers and their cards")
    p.add_argument("--db", required=True, help=DB_HELP)
    p.add_argument("--region", default="UA",
                   help="region of phones typed without a country code (default UA)")
    p.add_argument("file", help="JSON list of customers as docs/sync.md describes; - for stdin")
    p.set_defaults(func=_load_customers)

    p = commands.add_parser("load-programs",
                            help="check and store the chain's pricing programs (JSON)")
    p.add_argument("--db", required=True, help=DB_HELP)
    p.add_argument("file", help="programs JSON as docs/pricing.md describes; - for stdin")
    p.set_defaults(func=_load_programs)

    p = commands.add_parser("load-terms", help="set customers' groups, price lists, discounts")
    p.add_argument("--db", required=True, help=DB_HELP)
    p.add_argument("file", help='JSON list of {"customer_id", "groups", "price_list", '
                                '"discounts"}; - for stdin')
    p.set_defaults(func=_load_terms)

    p = commands.add_parser("delete-customer",
                            help="anonymise a customer (personal data erased, ledger kept)")
    p.add_argument("--db", required=True, help=DB_HELP)
    p.add_argument("customer", help="customer id")
    p.set_defaults(func=_delete_customer)

    p = commands.add_parser("merge-customers",
                            help="merge a duplicate customer into the one that stays")
    p.add_argument("--db", required=True, help=DB_HELP)
    p.add_argument("survivor", help="id of the customer that stays")
    p.add_argument("gone", help="id of the duplicate: its cards, points and purchases move")
    p.set_defaults(func=_merge_customers)

    p = commands.add_parser("demo", help="create demo data and a till config once")
    p.add_argument("--data", required=True, help="folder for central.db and edge.toml")
    p.add_argument("--address", default="127.0.0.1:50651", help="address the till dials")
    p.set_defaults(func=_demo)

    p = commands.add_parser("enrol-till", help="enrol a till; prints its secret token")
    p.add_argument("--db", required=True, help=DB_HELP)
    p.add_argument("--store", required=True)
    p.add_argument("--till", required=True)
    p.set_defaults(func=_enrol)

    p = commands.add_parser("revoke-till", help="revoke a till's credential")
    p.add_argument("--db", required=True, help=DB_HELP)
    p.add_argument("--till", required=True)
    p.set_defaults(func=_revoke)
    return parser


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    args = build_parser().parse_args(argv)
    return int(args.func(args))


if __name__ == "__main__":
    sys.exit(main())

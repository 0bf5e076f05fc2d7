"""`edge price FILE.json`: price a receipt (and a return) from a JSON document, for HQ staff
and support. The format is in docs/pricing.md; it calls the same engine as the till.

`edge price --receipt NUMBER --config FILE` prints the document a stored receipt was priced
from: fed back to `edge price`, it gives the receipt exactly as the till stored it."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from kassa.domain.pricing import InputError, parse_document, price_document


def main(argv: list[str] | None = None) -> int:
    """Print the priced receipt as JSON; exit 2 with a message naming the field on bad input."""
    parser = argparse.ArgumentParser(
        prog="edge price",
        description="Price a receipt (and a return) from a JSON document; see docs/pricing.md.",
    )
    parser.add_argument("file", nargs="?", help="the JSON document, or - for standard input")
    parser.add_argument("--receipt", help="print the input document of this stored receipt")
    parser.add_argument("--config", help="till configuration file (TOML), with --receipt")
    args = parser.parse_args(argv)
    if args.receipt is not None:
        return _receipt_document(args.receipt, args.config)
    if args.file is None:
        parser.error("give a FILE, or --receipt NUMBER --config FILE")
    try:
        text = sys.stdin.read() if args.file == "-" else Path(args.file).read_text("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        print(f"error: cannot read {args.file}: {exc}", file=sys.stderr)
        return 2
    try:
        answer = price_document(parse_document(text))
    except InputError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(json.dumps(answer, ensure_ascii=False, indent=2))
    return 0


def _receipt_document(number: str, config_path: str | None) -> int:
    from edge.config import ConfigError, load_config
    from edge.storage.database import Database
    from edge.storage.sales import pricing_document

    if config_path is None:
        print("error: --receipt needs --config", file=sys.stderr)
        return 2
    try:
        config = load_config(Path(config_path))
    except ConfigError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    database = Database(config.database_path)
    try:
        document = pricing_document(database, number)
    finally:
        database.close()
    if document is None:
        print(f"error: no receipt {number} priced by the engine on this till", file=sys.stderr)
        return 2
    print(document)
    return 0


if __name__ == "__main__":
    sys.exit(main())

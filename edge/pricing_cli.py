"""`edge price FILE.json`: price a receipt (and a return) from a JSON document, for HQ staff
and support. The format is in docs/pricing.md; it calls the same engine as the till."""

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
    parser.add_argument("file", help="the JSON document, or - for standard input")
    args = parser.parse_args(argv)
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


if __name__ == "__main__":
    sys.exit(main())

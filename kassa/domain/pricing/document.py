"""The JSON document of `edge price`: a sale's inputs, maybe a return, and the answer."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from kassa.domain.pricing.codec import decode, encode
from kassa.domain.pricing.customer import Customer
from kassa.domain.pricing.errors import InputError
from kassa.domain.pricing.request import ReturnLine, ReturnRequest, SaleRequest
from kassa.domain.pricing.returns import price_return
from kassa.domain.pricing.sale import customer_after_sale, price_receipt


@dataclass(frozen=True)
class ReturnSection:
    """The "return" part of a document. ``customer`` defaults to the one after the sale."""

    at: datetime
    lines: tuple[ReturnLine, ...]
    returned_before: tuple[ReturnLine, ...] = ()
    customer: Customer | None = None


def parse_document(text: str) -> object:
    """Parse JSON text with every non-integer number kept as its exact text, never a float."""
    try:
        parsed: object = json.loads(text, parse_float=str)
    except json.JSONDecodeError as exc:
        raise InputError(
            "", f"not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}"
        ) from None
    return parsed


def price_document(document: object) -> dict[str, Any]:
    """Price a document: ``{"receipt": ...}``, and ``"return"`` when it has a return section.

    The receipt is priced by ``price_receipt`` from the document's inputs, and the return
    computed from that receipt by ``price_return``, as at the till. Raises InputError.
    """
    if not isinstance(document, dict):
        raise InputError("", "the document must be a JSON object")
    sale = {key: value for key, value in document.items() if key != "return"}
    request = decode(SaleRequest, sale)
    receipt = price_receipt(request)
    answer: dict[str, Any] = {"receipt": encode(receipt)}
    if "return" in document:
        section = decode(ReturnSection, document["return"], "return")
        customer = section.customer
        if customer is None and request.customer is not None:
            customer = customer_after_sale(request.customer, receipt)
        try:
            refund = price_return(
                ReturnRequest(
                    receipt=receipt,
                    at=section.at,
                    store=request.store,
                    lines=section.lines,
                    returned_before=section.returned_before,
                    customer=customer,
                )
            )
        except InputError as exc:
            raise exc.within("return") from None
        answer["return"] = encode(refund)
    return answer

"""The JSON form: a request written by the till and read back prices identically."""

from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings

from kassa.domain.pricing import (
    PricedReceipt,
    PricedReturn,
    ReturnLine,
    ReturnRequest,
    SaleRequest,
    customer_after_sale,
    decode,
    encode,
    parse_document,
    price_document,
    price_receipt,
    price_return,
)
from tests.pricing.strategies import sale_requests


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(sale_requests())
def test_stored_inputs_fed_back_give_identical_output(request: SaleRequest) -> None:
    stored = json.dumps(encode(request), ensure_ascii=False)
    read_back = decode(SaleRequest, parse_document(stored))
    assert read_back == request
    expected = encode(price_receipt(request))
    assert price_document(parse_document(stored)) == {"receipt": expected}
    assert json.loads(json.dumps(expected)) == expected


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(sale_requests())
def test_a_stored_receipt_reads_back_for_its_return(request: SaleRequest) -> None:
    receipt = price_receipt(request)
    stored = decode(PricedReceipt, parse_document(json.dumps(encode(receipt))))
    assert stored == receipt
    lines = tuple(ReturnLine(line.line_no, line.quantity) for line in receipt.lines)
    customer = request.customer and customer_after_sale(request.customer, receipt)
    refund = price_return(ReturnRequest(stored, request.at, request.store, lines, (), customer))
    assert decode(PricedReturn, parse_document(json.dumps(encode(refund)))) == refund

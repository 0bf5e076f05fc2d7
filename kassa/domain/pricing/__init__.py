"""The pricing and loyalty engine (issue 3): pure functions from a chain's programs, a
customer and a cart to priced lines, points and refunds. No I/O; the till and `edge price`
call the same two entry points, ``price_receipt`` and ``price_return``.
"""

from kassa.domain.pricing.codec import decode, encode
from kassa.domain.pricing.customer import Customer, PointLot
from kassa.domain.pricing.document import parse_document, price_document
from kassa.domain.pricing.errors import InputError
from kassa.domain.pricing.programs import (
    BonusProgram,
    CategoryPolicy,
    CategoryRule,
    CumulativeProgram,
    DiscountKind,
    GroupDiscount,
    PersonalDiscount,
    PriceList,
    Programs,
    Stacking,
    StackingMode,
    Tier,
)
from kassa.domain.pricing.promotions import Promotion
from kassa.domain.pricing.request import (
    Cart,
    ManualDiscount,
    ReturnLine,
    ReturnRequest,
    SaleLine,
    SaleRequest,
    Store,
)
from kassa.domain.pricing.results import (
    AppliedDiscount,
    PricedLine,
    PricedReceipt,
    PricedReturn,
    ReturnedLine,
    VatTotal,
)
from kassa.domain.pricing.returns import customer_after_return, price_return
from kassa.domain.pricing.sale import customer_after_sale, price_receipt
from kassa.domain.pricing.windows import HourRange, Weekday, Window

__all__ = [
    "AppliedDiscount",
    "BonusProgram",
    "Cart",
    "CategoryPolicy",
    "CategoryRule",
    "CumulativeProgram",
    "Customer",
    "DiscountKind",
    "GroupDiscount",
    "HourRange",
    "InputError",
    "ManualDiscount",
    "PersonalDiscount",
    "PointLot",
    "PriceList",
    "PricedLine",
    "PricedReceipt",
    "PricedReturn",
    "Programs",
    "Promotion",
    "ReturnLine",
    "ReturnRequest",
    "ReturnedLine",
    "SaleLine",
    "SaleRequest",
    "Stacking",
    "StackingMode",
    "Store",
    "Tier",
    "VatTotal",
    "Weekday",
    "Window",
    "customer_after_return",
    "customer_after_sale",
    "decode",
    "encode",
    "parse_document",
    "price_document",
    "price_receipt",
    "price_return",
]

"""The receipt being built at a till: lines, quantities and the running total."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from kassa.domain import pricing
from kassa.domain.money import line_total


@dataclass(frozen=True)
class Product:
    """What a till knows of a product to sell it."""

    id: str
    name: str
    price: int
    barcode: str = ""
    category: str = ""
    weighted: bool = False
    vat_rate: int = 0  # basis points, 2000 = 20%


@dataclass
class CartLine:
    """One line of an open receipt."""

    product: Product
    quantity_milli: int = 1000
    manual: pricing.ManualDiscount | None = None

    @property
    def total(self) -> int:
        """Retail total before any discount."""
        return line_total(self.product.price, self.quantity_milli)


class CartError(ValueError):
    """A change to the cart that cannot be made; the cart stays as it was."""


@dataclass
class Cart:
    """An open receipt. Scanning the same product again adds to its line."""

    lines: list[CartLine] = field(default_factory=list)

    def add(self, product: Product, quantity_milli: int = 1000) -> CartLine:
        """Add a quantity of a product; returns the line that holds it."""
        if quantity_milli <= 0:
            raise CartError(f"quantity must be positive, got {quantity_milli / 1000:g}")
        for line in self.lines:
            if line.product.id == product.id and not product.weighted:
                line.quantity_milli += quantity_milli
                return line
        line = CartLine(product, quantity_milli)
        self.lines.append(line)
        return line

    def remove(self, index: int) -> CartLine:
        """Remove the line at ``index`` (0-based)."""
        if not 0 <= index < len(self.lines):
            raise CartError(f"no line number {index + 1}")
        return self.lines.pop(index)

    def set_quantity(self, index: int, quantity_milli: int) -> CartLine:
        """Set the quantity of the line at ``index`` (0-based)."""
        if not 0 <= index < len(self.lines):
            raise CartError(f"no line number {index + 1}")
        if quantity_milli <= 0:
            raise CartError(f"quantity must be positive, got {quantity_milli / 1000:g}")
        self.lines[index].quantity_milli = quantity_milli
        return self.lines[index]

    def clear(self) -> None:
        self.lines.clear()

    @property
    def total(self) -> int:
        return sum(line.total for line in self.lines)

    @property
    def empty(self) -> bool:
        return not self.lines


def pricing_cart(cart: Cart, category_paths: Mapping[str, tuple[str, ...]]) -> pricing.Cart:
    """The cart as the engine prices it; ``category_paths`` gives each category id's path
    from the root (a category missing from it prices as itself alone)."""
    return pricing.Cart(
        tuple(
            pricing.SaleLine(
                product_id=line.product.id,
                price=line.product.price,
                quantity=line.quantity_milli,
                name=line.product.name,
                category=category_paths.get(line.product.category)
                or ((line.product.category,) if line.product.category else ()),
                vat_rate=line.product.vat_rate,
                manual=line.manual,
            )
            for line in cart.lines
        )
    )

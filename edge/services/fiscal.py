"""The seam for a fiscal device (R6): a registered cash register in Russia, PRRO in Ukraine.

A sale or return is registered with the fiscal device before it is stored. Until a
driver exists the till runs in the explicit non-fiscal mode below, which the store
line and every printed receipt state plainly.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from kassa.domain.sale import ClosedSale


@dataclass(frozen=True)
class FiscalResult:
    """What the device answered: whether the document is fiscal, and its fiscal number."""

    fiscal: bool
    mode: str
    document_number: str = ""


class FiscalDevice(Protocol):
    """A fiscal device driver. Raising means the sale must not close."""

    mode: str

    def register_sale(self, sale: ClosedSale) -> FiscalResult:
        """Register a sale; returns the device's answer."""


class NonFiscalMode:
    """No fiscal device: documents are registered as non-fiscal, visibly."""

    mode = "non-fiscal"

    def register_sale(self, sale: ClosedSale) -> FiscalResult:
        return FiscalResult(fiscal=False, mode=self.mode)

"""Printing on ESC/POS thermal printers (S3, S4, S5, C8, L12, N1) with python-escpos.

``config`` and ``connect``: which printer and how to open it. ``layout``: what every
job shares (one code page per job, columns, sizes, rendering to bytes). Layouts:
``receipt``, ``returns`` (return slips), ``reports`` (X/Z), ``tags`` (price tags),
``cards`` (loyalty cards), ``testpage``; their input data is in ``documents``,
barcodes in ``barcodes``.
``queue``: the persistent print queue in SQLite and the worker that prints it.
"""

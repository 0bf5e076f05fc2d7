"""Receipt printing on ESC/POS printers (S3): printer settings, connection and receipt layout."""

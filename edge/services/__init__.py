"""What the till's UI calls: blocking services over storage and devices (run them in workers)."""

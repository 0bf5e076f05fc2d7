"""Domain rules of Kassa: plain Python, no I/O, no UI, network or database imports."""

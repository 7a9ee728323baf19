"""Benchmark harness (bench/run.py) and its bare baseline page; not part of the product."""

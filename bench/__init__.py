"""Benchmark at the scale of the Conference on the Future of Europe: ``make bench``.

Loads a synthetic data set into a fresh PostgreSQL database, serves the app under
gunicorn, drives it with ``wrk`` from a second process and prints one table (see
``bench/run.py``). Not a test: numbers depend on the machine.
"""

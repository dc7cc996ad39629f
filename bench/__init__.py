"""Benchmarks: one command each (see bench/README.md). Never imported by the application."""

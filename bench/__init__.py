"""Benchmarks of the assistant."""

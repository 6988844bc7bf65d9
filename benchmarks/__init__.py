"""Measurements of the portal at realistic volume: see benchmarks/README.md."""

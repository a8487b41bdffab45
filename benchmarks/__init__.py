"""Load and scale runs against the mock; each writes its results to ``benchmarks/results/``."""

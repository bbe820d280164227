"""National-scale data generator and benchmark runner (see bench/README.md)."""

"""The benchmark: a synthetic quarter of department reports and a runner that times the real pipeline on it."""

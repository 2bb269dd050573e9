"""The box's own code, bound into every box read-only and run there by path: harness.py (a
check child), forkserver.py (a template), protocol.py (what the grader and a child speak). It
imports nothing of the grader's package and holds nothing secret."""

"""The main job: release the assignment, grade the bundled sample class, print the results.

Run `make grade-sample` (or `python -m tensor_gears.sample_class`) from the repository root.
It regenerates `release/tensor_ops/`, then builds a scratch course in `build/sample_class/`
(its own gradebook, never the instructor's), stages the sample students' submissions,
grades them with plain `nbgrader autograde tensor_ops` and prints a table.
"""

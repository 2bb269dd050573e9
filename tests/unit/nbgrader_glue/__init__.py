"""Unit tests of tensor_gears.nbgrader_glue: the steps nbgrader runs, on real notebooks, without a kernel."""

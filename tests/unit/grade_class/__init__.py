"""Unit tests of tensor_gears.grade_class: the runners, progress, summary and worker."""

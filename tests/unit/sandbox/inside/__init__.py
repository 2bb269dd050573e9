"""Unit tests of tensor_gears/sandbox/inside/: the code the box runs, where it runs in the grader too."""

"""Unit tests of tensor_gears/sandbox/: what can be checked without starting a box."""

"""Unit tests of tensor_gears/core/."""

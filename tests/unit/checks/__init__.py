"""Unit tests of tensor_gears/checks/ (the helpers; the checks themselves run on students in the integration tests)."""

"""Unit tests of tensor_gears/source_rules/, one module per rule module."""

"""Unit tests of tensor_gears.class_report: the report's data, page and exports from a real gradebook and data."""

"""Unit tests of tensor_gears.exchange: real folders, modes, owners and ACLs in a temporary exchange."""

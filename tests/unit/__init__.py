"""The fast lane (`make check`): one test module per package module, no kernel and no box."""

"""A student who submits the release untouched: no answers at all."""

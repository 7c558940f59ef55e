"""Plain, typed pipeline functions: discover, fetch or load, decode, extract, normalise."""

"""Benchmarks: they print figures and compare against bare trafilatura in the same run."""

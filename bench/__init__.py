"""Benchmarks: the pipeline measured side by side with bare trafilatura."""

"""Benchmarks: they print figures and compare against bare trafilatura in the same run.

uv run python -m bench                 # the pipeline side by side with bare trafilatura
uv run python -m bench.normalise       # normalisation against extraction, per seed
uv run python -m bench.extract_options # which trafilatura options extract the samples best
"""

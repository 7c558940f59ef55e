"""Normalisation: named repair steps, run in a fixed order, each recording what it did."""

from tasks.normalise.pipeline import STEPS, Draft, normalise

__all__ = ["STEPS", "Draft", "normalise"]

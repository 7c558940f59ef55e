"""Normalisation: named repair steps, run in a fixed order, each recording what it did."""

from tasks.normalise.pipeline import STEP_NAMES, STEPS, Draft, normalise

__all__ = ["STEPS", "STEP_NAMES", "Draft", "normalise"]

"""Tools for testing layers and models: ``check_gradients``."""

from .gradient_check import GradientCheckResult, check_gradients

__all__ = ["GradientCheckResult", "check_gradients"]

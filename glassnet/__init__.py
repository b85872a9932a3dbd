"""glassnet: neural networks from scratch on NumPy, behind the Keras API."""

__version__ = "0.1.0"

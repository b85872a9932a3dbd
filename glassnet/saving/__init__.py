"""Saving and loading models: a safe zip of JSON and .npy arrays, written atomically."""

from .archive import ModelFileError
from .model_io import load_model, load_weights, restore_training_state, save_model, save_weights

__all__ = ["ModelFileError", "load_model", "load_weights", "restore_training_state", "save_model", "save_weights"]

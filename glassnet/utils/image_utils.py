"""Keras's image utilities on Pillow: ``load_img``, ``img_to_array``, ``array_to_img``, ``save_img``.

Signatures, defaults and results are Keras 3's (keras/src/utils/image_utils.py). Where Keras
lets a bad input through to an obscure Pillow or NumPy error (or a silently wrong picture),
these raise a ValueError or TypeError that says what is wrong, and errors about a file name it:
a file that is not an image, or is damaged, raises ImageFileError, which is an OSError like
Pillow's UnidentifiedImageError that Keras lets out. ``save_img`` writes a path atomically.
glassnet's layout is channels-last, so ``data_format=None`` means ``"channels_last"``. Pillow
is imported when one of these is called, never by ``import glassnet``.
"""

from __future__ import annotations

import io
import os
import pathlib
import warnings

import numpy as np

from .images import ImageFileError, load_pixels, unreadable

_INTERPOLATIONS = ("nearest", "bilinear", "bicubic", "hamming", "box", "lanczos")
_COLOR_MODES = ("grayscale", "rgb", "rgba")


def _pil():
    try:
        from PIL import Image
    except ImportError:  # pragma: no cover - Pillow is a dependency of glassnet
        raise ImportError("glassnet's image functions need Pillow: pip install pillow") from None
    return Image


def _data_format(data_format) -> str:
    """Keras's ``backend.standardize_data_format``; None is glassnet's (and Keras's default) channels_last."""
    if data_format is None:
        return "channels_last"
    data_format = str(data_format).lower()
    if data_format not in {"channels_first", "channels_last"}:
        raise ValueError("The `data_format` argument must be one of {'channels_first', 'channels_last'}. "
                         f"Received: data_format={data_format}")
    return data_format


def _dtype(dtype):
    try:
        return np.dtype("float32" if dtype is None else dtype)
    except TypeError:
        raise TypeError(f"dtype must be a NumPy dtype or its name, such as 'float32'; received {dtype!r}") from None


def load_img(path, color_mode="rgb", target_size=None, interpolation="nearest", keep_aspect_ratio=False):
    """Loads an image into PIL format, as ``keras.utils.load_img``.

    Args:
        path: path to the image file (str, bytes, pathlib.Path or other path-like) or an
            ``io.BytesIO`` holding one.
        color_mode: ``"grayscale"``, ``"rgb"`` or ``"rgba"``. Grayscale keeps 8-, 16- and 32-bit
            grey images as they are (modes L, I;16, I) and turns others to 8-bit grey.
        target_size: None (the file's size) or ``(img_height, img_width)``.
        interpolation: resampling when the size changes: ``"nearest"`` (default), ``"bilinear"``,
            ``"bicubic"``, ``"hamming"``, ``"box"`` or ``"lanczos"``.
        keep_aspect_ratio: crop the largest centred box of the target's aspect ratio before
            resizing, instead of stretching.

    Returns:
        A PIL Image instance (decoded: a damaged file fails here, naming the file).
    """
    Image = _pil()
    if color_mode not in _COLOR_MODES:
        raise ValueError('color_mode must be "grayscale", "rgb", or "rgba"')
    if target_size is not None:
        try:
            height, width = target_size
            valid = all(isinstance(v, (int, np.integer)) and not isinstance(v, bool) and v > 0 for v in (height, width))
        except (TypeError, ValueError):
            valid = False
        if not valid:
            raise ValueError(f"target_size must be None or a tuple of two positive integers (img_height, img_width); "
                             f"received {target_size!r}")
        if interpolation not in _INTERPOLATIONS:
            raise ValueError(f"Invalid interpolation method {interpolation} specified. Supported methods are "
                             f"{', '.join(_INTERPOLATIONS)}")
    if isinstance(path, io.BytesIO):
        name, source = "the image in the io.BytesIO", path
    elif isinstance(path, (str, bytes, os.PathLike)):
        if isinstance(path, pathlib.Path):
            path = str(path.resolve())
        name = os.fsdecode(path)
        with open(path, "rb") as stream:  # missing file, folder: Python's error, naming the file
            source = io.BytesIO(stream.read())
    else:
        raise TypeError(f"path should be path-like or io.BytesIO, not {type(path)}")
    try:
        img = Image.open(source)
    except (OSError, SyntaxError, ValueError, EOFError, IndexError, Image.DecompressionBombError) as error:
        raise unreadable(name, error, source.getvalue()[:8]) from None
    load_pixels(img, name)

    if color_mode == "grayscale":
        if img.mode not in ("L", "I;16", "I"):
            img = img.convert("L")
    elif color_mode == "rgba":
        if img.mode != "RGBA":
            img = img.convert("RGBA")
    elif img.mode != "RGB":
        img = img.convert("RGB")
    if target_size is not None:
        width_height_tuple = (int(target_size[1]), int(target_size[0]))
        if img.size != width_height_tuple:
            resample = getattr(Image.Resampling, interpolation.upper())
            if keep_aspect_ratio:
                width, height = img.size
                target_width, target_height = width_height_tuple
                crop_height = min(height, (width * target_height) // target_width)
                crop_width = min(width, (height * target_width) // target_height)
                crop_box_hstart = (height - crop_height) // 2
                crop_box_wstart = (width - crop_width) // 2
                crop_box = [crop_box_wstart, crop_box_hstart, crop_box_wstart + crop_width, crop_box_hstart + crop_height]
                img = img.resize(width_height_tuple, resample, box=crop_box)
            else:
                img = img.resize(width_height_tuple, resample)
    return img


def img_to_array(img, data_format=None, dtype=None):
    """Converts a PIL Image instance to a NumPy array, as ``keras.utils.img_to_array``:
    (height, width, channels) (channels first with ``data_format="channels_first"``), a grey
    image with a channel axis of 1, in ``dtype`` (default float32), values as stored (0..255
    for 8-bit images)."""
    data_format = _data_format(data_format)
    dtype = _dtype(dtype)
    try:
        x = np.asarray(img, dtype=dtype)
    except (TypeError, ValueError) as error:
        raise TypeError(f"img_to_array expects a PIL Image (or an array of pixel values); received "
                        f"{type(img).__name__} ({error})") from None
    if x.ndim == 3:
        if data_format == "channels_first":
            x = x.transpose(2, 0, 1)
    elif x.ndim == 2:
        x = x.reshape((1,) + x.shape) if data_format == "channels_first" else x.reshape(x.shape + (1,))
    else:
        raise ValueError(f"Unsupported image shape: {x.shape} (img_to_array takes one image: (height, width) or "
                         "(height, width, channels))")
    return x


def array_to_img(x, data_format=None, scale=True, dtype=None):
    """Converts a 3D NumPy array to a PIL Image instance, as ``keras.utils.array_to_img``.

    ``x`` is (height, width, channels) (or channels first with ``data_format="channels_first"``)
    with 1 (grey, mode L; mode I when a value exceeds 255), 3 (RGB) or 4 (RGBA) channels.
    ``scale=True`` maps the smallest value to 0 and the largest to 255; with ``scale=False`` the
    values are taken as 0..255 (fractions dropped) and must lie in that range.
    """
    Image = _pil()
    data_format = _data_format(data_format)
    dtype = _dtype(dtype)
    try:
        x = np.asarray(x, dtype=dtype)
    except (TypeError, ValueError) as error:
        raise TypeError(f"array_to_img expects an array of numbers; received {type(x).__name__} ({error})") from None
    if x.ndim != 3:
        raise ValueError(f"Expected image array to have rank 3 (single image). Got array with shape: {x.shape}")
    if data_format == "channels_first":
        x = x.transpose(1, 2, 0)
    if x.shape[2] not in (1, 3, 4):
        hint = (" It looks channels-first: pass data_format='channels_first'." if data_format == "channels_last"
                and x.shape[0] in (1, 3, 4) else "")
        raise ValueError(f"Unsupported channel number: {x.shape[2]} (array of shape {x.shape}, {data_format}; an "
                         f"image has 1 (grey), 3 (RGB) or 4 (RGBA) channels).{hint}")
    if x.size == 0:
        raise ValueError(f"array_to_img: the array of shape {x.shape} holds no pixels.")
    if not np.issubdtype(x.dtype, np.number) or np.issubdtype(x.dtype, np.complexfloating):
        raise TypeError(f"array_to_img expects real numbers; received an array of dtype {x.dtype}")
    if np.issubdtype(x.dtype, np.floating) and not np.isfinite(x).all():
        raise ValueError("array_to_img: the array holds NaN or infinite values, which are no colour.")
    if scale:
        if not np.issubdtype(x.dtype, np.floating):
            x = x.astype(np.float64)  # Keras divides in place, which an integer array cannot hold
        x = x - np.min(x)
        x_max = np.max(x)
        if x_max != 0:
            x /= x_max
        x *= 255
    if x.shape[2] == 1 and np.max(x) > 255:  # 32-bit signed integer grayscale image, PIL mode "I"
        return Image.fromarray(x[:, :, 0].astype("int32"), "I")
    if np.min(x) <= -1 or np.max(x) >= 256:
        raise ValueError(f"array_to_img: with scale=False the values must lie in [0, 255] (received "
                         f"{float(np.min(x)):g}..{float(np.max(x)):g}); pass scale=True to stretch them.")
    pixels = x.astype("uint8")
    if x.shape[2] == 4:
        return Image.fromarray(pixels, "RGBA")
    if x.shape[2] == 3:
        return Image.fromarray(pixels, "RGB")
    return Image.fromarray(pixels[:, :, 0], "L")


def _format_for(name: str, file_format) -> str:
    """Pillow's name of the format to write: ``file_format`` or the extension of ``name``."""
    Image = _pil()
    Image.init()  # every plugin, so that SAVE and the extensions are complete
    if file_format is None:
        extension = os.path.splitext(name)[1].lower()
        found = Image.registered_extensions().get(extension)
        if found is None or found not in Image.SAVE:
            shown = repr(extension) if extension else "none"
            raise ValueError(f"{name}: cannot tell the image format from the extension ({shown}); name the file "
                             ".png, .jpg, ... or pass file_format='png' (or 'jpeg', 'bmp', ...).")
        return found
    if not isinstance(file_format, str):
        raise TypeError(f"file_format must be a format name such as 'png' or 'jpeg'; received {file_format!r}")
    found = "JPEG" if file_format.lower() == "jpg" else file_format.upper()
    if found not in Image.SAVE:
        raise ValueError(f"Unknown file_format {file_format!r}; Pillow writes {', '.join(sorted(Image.SAVE)).lower()}.")
    return found


def save_img(path, x, data_format=None, file_format=None, scale=True, **kwargs):
    """Saves an image stored as a NumPy array to a path or file object, as ``keras.utils.save_img``.

    Args:
        path: path or file object. A path is written atomically (a temporary file beside it,
            then one rename); a new file gets the mode any new file gets under the umask.
        x: NumPy array, as ``array_to_img`` takes it.
        data_format: ``"channels_first"`` or ``"channels_last"`` (None: channels last).
        file_format: the format to write; None: from the file name's extension (a file object
            needs it, unless it has a ``name``).
        scale: whether to rescale the values to ``[0, 255]`` (see ``array_to_img``).
        **kwargs: passed on to ``PIL.Image.Image.save()`` (``quality=90``...).
    """
    data_format = _data_format(data_format)
    is_path = isinstance(path, (str, bytes, os.PathLike))
    name = os.fsdecode(path) if is_path else getattr(path, "name", None)
    if is_path or file_format is not None or isinstance(name, str):
        fmt = _format_for(name if isinstance(name, str) else "", file_format)
    else:
        raise ValueError("save_img to a file object needs file_format='png' (or 'jpeg', ...).")
    img = array_to_img(x, data_format=data_format, scale=scale)
    if img.mode == "RGBA" and fmt == "JPEG":
        warnings.warn("The JPEG format does not support RGBA images, converting to RGB.")
        img = img.convert("RGB")

    def write(stream):
        try:
            img.save(stream, format=fmt, **kwargs)
        except OSError as error:
            if error.errno is not None:
                raise
            raise ImageFileError(f"{name or 'save_img'}: cannot save a {img.mode} image as {fmt} ({error}).") from None
        except (KeyError, ValueError, TypeError) as error:
            raise ValueError(f"{name or 'save_img'}: cannot save a {img.mode} image as {fmt} "
                             f"({type(error).__name__}: {error}).") from None

    if is_path:
        from ..saving.atomic import atomic_write
        with atomic_write(name) as stream:
            write(stream)
    else:
        write(path)

import contextlib
import io

import pytest

from .strokes import train_digit_model


@pytest.fixture(scope="session")
def digit_model_path(tmp_path_factory):
    """A small CNN trained on synthetic 0, 1 and 7 strokes, saved in a run-like folder."""
    path = tmp_path_factory.mktemp("run") / "model.glassnet"
    train_digit_model(path)
    return path


@contextlib.contextmanager
def running_server(predictor=None, training_log=None):
    """The draw server on 127.0.0.1 and a free port, in a background thread; yields its base URL."""
    from glassnet.draw import make_server, serve_in_background, url_of
    server = make_server("127.0.0.1", 0, predictor=predictor, training_log=training_log)
    thread = serve_in_background(server)
    try:
        yield url_of(server, "")
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@pytest.fixture(scope="session")
def digit_server(digit_model_path):
    from glassnet.draw import Predictor, class_names
    from glassnet.models import load_model
    model = load_model(digit_model_path, compile=False)
    predictor = Predictor(model, class_names(10, str(digit_model_path)), digit_model_path.name)
    with running_server(predictor) as url:
        yield url


def pad_png(segments, size=280, width=20) -> bytes:
    """A drawing as the page sends it: black strokes ``width`` pixels wide on a white
    ``size``-pixel square, as PNG bytes; segments are ((x0, y0), (x1, y1)) in pad pixels."""
    from PIL import Image, ImageDraw
    image = Image.new("RGBA", (size, size), "white")
    draw = ImageDraw.Draw(image)
    for start, end in segments:
        draw.line([start, end], fill="black", width=width)
        for x, y in (start, end):
            draw.ellipse([x - width / 2, y - width / 2, x + width / 2, y + width / 2], fill="black")
    stream = io.BytesIO()
    image.save(stream, "PNG")
    return stream.getvalue()


def pytest_configure(config):
    config.addinivalue_line("markers", "browser: drives the page in a real headless Chromium (selenium and Debian's "
                                       "chromium and chromium-driver); skipped with the reason where they are absent, "
                                       "failed instead when GLASSNET_REQUIRE_BROWSER=1 (CI)")

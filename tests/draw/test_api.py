"""The draw server's JSON API through a real HTTP client (urllib) against a server on a free port."""

import http.client
import io
import json
import urllib.error
import urllib.parse
import urllib.request

import numpy as np
import pytest

from glassnet.draw import api, server

from .conftest import pad_png, running_server
from .strokes import SHAPES, render

VERTICAL = [((140, 50), (140, 230))]


def call(url, body=None, content_type="application/json"):
    """(status, JSON document) of a GET (body None) or POST."""
    headers = {"Content-Type": content_type} if body is not None else {}
    request = urllib.request.Request(url, data=body, headers=headers, method="GET" if body is None else "POST")
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        assert error.headers["Content-Type"] == "application/json"
        return error.code, json.loads(error.read())


def test_predict_from_png_draws_a_one_and_shows_every_layer(digit_server):
    status, answer = call(digit_server + "/api/predict", pad_png(VERTICAL), "image/png")
    assert status == 200
    assert answer["classes"] == list("0123456789")
    assert len(answer["probabilities"]) == 10 and abs(sum(answer["probabilities"]) - 1) < 1e-4
    assert answer["top"][0]["class"] == "1" and answer["top"][0]["probability"] > 0.5
    assert [entry["probability"] for entry in answer["top"]] == sorted(
        (entry["probability"] for entry in answer["top"]), reverse=True)
    image = np.array(answer["image"])
    assert image.shape == (28, 28) and image.max() == 255 and image[:, :10].max() == 0  # white on black, centred
    layers = answer["activations"]
    assert [(layer["name"], layer["kind"]) for layer in layers] == [
        ("strokes", "maps"), ("pool", "maps"), ("flatten", "vector"), ("hidden", "vector"), ("digits", "vector")]
    assert np.array(layers[0]["maps"]).shape == (4, 26, 26) and layers[1]["shape"] == [13, 13, 4]
    assert np.allclose(layers[-1]["values"], answer["probabilities"], atol=1e-3)


def test_png_goes_through_the_preprocessing_of_glassnet_predict(digit_server, digit_model_path, tmp_path):
    from glassnet.models import load_model
    from glassnet.utils.images import load_for_model
    drawing = tmp_path / "seven.png"
    drawing.write_bytes(pad_png([((60, 60), (220, 60)), ((220, 60), (120, 240))]))
    status, answer = call(digit_server + "/api/predict?activations=0", drawing.read_bytes(), "image/png")
    assert status == 200 and "activations" not in answer
    sample = load_for_model(drawing, (28, 28, 1))
    np.testing.assert_array_equal(np.array(answer["image"]), np.rint(sample[..., 0] * 255).astype(int))
    expected = load_model(digit_model_path).predict(sample[None], verbose=0)[0]
    np.testing.assert_allclose(answer["probabilities"], expected, atol=1e-5)
    assert answer["top"][0]["class"] == "7"


def test_predict_from_pixels_in_either_scale(digit_server):
    one = render(SHAPES[1](np.random.default_rng(3)), 2.0)
    status, unit = call(digit_server + "/api/predict", json.dumps({"pixels": one.tolist()}).encode())
    assert status == 200 and unit["top"][0]["class"] == "1"
    grey = np.rint(one * 255).astype(int)
    status, bytes_scale = call(digit_server + "/api/predict", json.dumps({"pixels": grey.tolist()}).encode())
    assert status == 200
    np.testing.assert_allclose(bytes_scale["probabilities"], unit["probabilities"], atol=2e-3)
    # A drawing on paper (dark on light, any size) is inverted and resized as an image file is.
    paper = 255 - np.kron(grey, np.ones((2, 2), dtype=int))
    status, paper_answer = call(digit_server + "/api/predict", json.dumps({"pixels": paper.tolist()}).encode())
    assert status == 200 and paper_answer["top"][0]["class"] == "1"


def test_model_summary(digit_server):
    status, model = call(digit_server + "/api/model")
    assert status == 200
    assert model["classes"] == list("0123456789") and model["input_shape"] == [28, 28, 1]
    assert [layer["name"] for layer in model["layers"]] == ["strokes", "pool", "flatten", "hidden", "digits"]
    assert model["layers"][0]["output_shape"] == [None, 26, 26, 4] and model["layers"][0]["params"] == 40
    assert model["params"] == sum(layer["params"] for layer in model["layers"])
    assert "Total params" in model["summary"] and model["activations"] is True


def _png(width, height, colour="white"):
    from PIL import Image
    stream = io.BytesIO()
    Image.new("L", (width, height), colour).save(stream, "PNG")
    return stream.getvalue()


BAD_BODIES = {
    "empty": (b"", "application/json", "empty"),
    "text": (b"hello", "text/plain", "not a PNG"),
    "broken JSON": (b'{"pixels": [[0, 1]', "application/json", "not valid JSON"),
    "JSON list": (b"[[0, 1], [1, 0]]", "application/json", "expected a JSON object"),
    "no pixels": (b'{"image": [[0]]}', "application/json", "expected a JSON object"),
    "ragged rows": (b'{"pixels": [[0, 1], [1]]}', "application/json", "rows of equal length"),
    "strings": (b'{"pixels": [["0", "1"]]}', "application/json", "numbers only"),
    "booleans": (b'{"pixels": [[true, false]]}', "application/json", "numbers only"),
    "NaN": (b'{"pixels": [[NaN, 0]]}', "application/json", "must lie in"),
    "negative": (b'{"pixels": [[-1, 0]]}', "application/json", "must lie in"),
    "too bright": (b'{"pixels": [[256, 0]]}', "application/json", "must lie in"),
    "huge integer": (b'{"pixels": [[1' + b"0" * 400 + b']]}', "application/json", "must lie in"),
    "deep nesting": (b"[" * 100000 + b"]" * 100000, "application/json", "not valid JSON"),
    "not UTF-8": (b'{"pixels": [[\xff]]}', "application/json", "not valid JSON"),
    "damaged PNG": (api.PNG_SIGNATURE + b"\x00" * 40, "image/png", "cannot be decoded"),
    "huge PNG": (None, "image/png", "at most 4096"),
}


@pytest.mark.parametrize("case", sorted(BAD_BODIES))
def test_bad_bodies_get_a_400_with_a_json_message(digit_server, case):
    body, content_type, message = BAD_BODIES[case]
    if body is None:
        body = _png(api.MAX_IMAGE_SIDE + 1, 1)
    status, answer = call(digit_server + "/api/predict", body, content_type)
    assert status == 400, answer
    assert message in answer["error"] and "Traceback" not in answer["error"] and answer["status"] == 400


def test_a_truncated_png_gets_a_400(digit_server):
    whole = pad_png(VERTICAL)
    status, answer = call(digit_server + "/api/predict", whole[: len(whole) // 2], "image/png")
    assert status == 400 and "cannot be decoded" in answer["error"]


def test_oversized_and_unsized_bodies_are_refused_before_reading(digit_server):
    status, answer = call(digit_server + "/api/predict", b"{" + b" " * server.MAX_BODY + b"}")
    assert status == 413 and str(server.MAX_BODY) in answer["error"]
    parts = urllib.parse.urlsplit(digit_server)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    connection.putrequest("POST", "/api/predict")
    connection.putheader("Content-Type", "application/json")
    connection.endheaders()
    response = connection.getresponse()
    assert response.status == 411 and "Content-Length" in json.loads(response.read())["error"]
    connection.close()


def test_pages_assets_and_unknown_paths(digit_server):
    for path, kind, text in (("/", "text/html", b"pad-canvas"), ("/train", "text/html", b"train.js"),
                             ("/static/draw.js", "text/javascript", b"/api/predict"),
                             ("/static/style.css", "text/css", b"#bars")):
        with urllib.request.urlopen(digit_server + path, timeout=30) as response:
            assert response.headers["Content-Type"].startswith(kind) and text in response.read()
            assert "default-src 'self'" in response.headers["Content-Security-Policy"]
    for path in ("/static/../server.py", "/static/api.py", "/static/", "/static/.hidden.js", "/nothing", "/api/x"):
        status, answer = call(digit_server + path)
        assert status == 404 and "no such" in answer["error"]
    status, answer = call(digit_server + "/api/model", b"{}")
    assert status == 404 and "POST /api/model" in answer["error"]


def test_a_failing_model_gets_a_500_without_its_traceback(digit_model_path, capsys):
    from glassnet.models import load_model
    model = load_model(digit_model_path)
    predictor = api.Predictor(model, list("0123456789"))

    def broken(*args, **kwargs):
        raise RuntimeError("secret internals")
    model.predict = broken
    with running_server(predictor) as url:
        status, answer = call(url + "/api/predict", pad_png(VERTICAL), "image/png")
    assert status == 500 and answer["error"] == "the model could not answer (RuntimeError)"
    assert "secret internals" in capsys.readouterr().err


def test_a_server_without_a_model_says_so():
    with running_server() as url:
        status, answer = call(url + "/api/predict", b'{"pixels": [[0]]}')
        assert status == 404 and "no model" in answer["error"]
        status, answer = call(url + "/api/model")
        assert status == 404 and "no model" in answer["error"]
        status, answer = call(url + "/api/history")
        assert status == 404 and "--watch" in answer["error"]


def test_the_page_needs_nothing_from_the_internet():
    from importlib import resources
    folder = resources.files("glassnet.draw").joinpath("static")
    names = sorted(entry.name for entry in folder.iterdir())
    assert names == ["draw.js", "index.html", "style.css", "train.html", "train.js"]
    for name in names:
        text = folder.joinpath(name).read_text(encoding="utf-8")
        assert "http://" not in text and "https://" not in text and "//cdn" not in text, name
    index = folder.joinpath("index.html").read_text(encoding="utf-8")
    for asset in ("/static/draw.js", "/static/style.css"):
        assert asset in index and server.static_file(asset.rsplit("/", 1)[1]) is not None

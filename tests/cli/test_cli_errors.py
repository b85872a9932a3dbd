"""The command line on a user's mistakes: exit status 2, one line on stderr naming the file, no
traceback; and `glassnet predict` on a 12-megapixel phone photo (decoded small with Pillow's
draft and reduce). Needs no data set: the model is a small untrained one saved here."""

import json
import subprocess
import sys
import time
import zipfile

import numpy as np
import pytest
from PIL import Image, ImageDraw, JpegImagePlugin

import glassnet as keras
from glassnet.cli import main


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    folder = tmp_path_factory.mktemp("cli_errors")
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((28, 28, 1)), keras.layers.Flatten(),
                              keras.layers.Dense(10, activation="softmax")])
    model.save(folder / "model.glassnet")
    flat = keras.Sequential([keras.Input((10,)), keras.layers.Dense(2)])
    flat.save(folder / "flat.glassnet")
    Image.fromarray(np.random.default_rng(0).integers(0, 256, (40, 50, 3), dtype=np.uint8)).save(folder / "good.png")
    png = (folder / "good.png").read_bytes()
    (folder / "truncated.png").write_bytes(png[:len(png) // 2])
    (folder / "notes.png").write_text("not an image")
    (folder / "a_folder").mkdir()
    (folder / "notes.glassnet").write_text("not a model")
    (folder / "truncated.glassnet").write_bytes((folder / "model.glassnet").read_bytes()[:400])
    with zipfile.ZipFile(folder / "other.zip", "w") as archive:
        archive.writestr("hello.txt", "hi")
    (folder / "bad.json").write_text('{"layers": [\n  {"class_name": "Dense",\n')
    (folder / "list.json").write_text("[1, 2, 3]")
    (folder / "functional.json").write_text(json.dumps({"class_name": "Functional", "config": {}}))
    (folder / "nolayers.json").write_text(json.dumps({"layers": 5}))
    (folder / "badlayer.json").write_text(json.dumps({"layers": [{"class_name": "Dense", "config": {"units": "x"}}]}))
    (folder / "binary.json").write_bytes(b"\xff\xfe\x00binary")
    return folder


def error_line(capsys, argv, status=2):
    assert main([str(a) for a in argv]) == status
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.count("\n") == 1 and "Traceback" not in captured.err, captured.err
    assert captured.err.startswith("glassnet: error: ")
    return captured.err.strip()


@pytest.mark.parametrize("image, message", [
    ("missing.png", "missing.png: no such file."),
    ("a_folder", "a_folder: is a folder, not an image file."),
    ("notes.png", "notes.png: not an image file (Pillow cannot identify it"),
    ("truncated.png", "truncated.png: damaged or truncated image file (image file is truncated)."),
])
def test_predict_names_the_image_that_cannot_be_read(files, capsys, image, message):
    line = error_line(capsys, ["predict", files / "model.glassnet", files / "good.png", files / image])
    assert f"{files / image}: " in line and message.split(": ", 1)[1] in line


@pytest.mark.parametrize("command", ["predict", "summary", "evaluate"])
@pytest.mark.parametrize("model, message", [
    ("missing.glassnet", "No model file"),
    ("a_folder", "is a folder, not a model file"),
    ("notes.glassnet", "is not a glassnet model file"),
    ("truncated.glassnet", "is not a glassnet model file"),
    ("other.zip", "is not a glassnet model file"),
    ("good.png", "is not a glassnet model file"),
])
def test_a_model_file_that_is_not_a_model_is_named(files, capsys, command, model, message):
    extra = {"predict": [files / "good.png"], "summary": [], "evaluate": ["--data", "digits"]}[command]
    line = error_line(capsys, [command, files / model, *extra])
    assert str(files / model) in line and message in line


def test_predict_with_a_model_that_takes_no_image(files, capsys):
    line = error_line(capsys, ["predict", files / "flat.glassnet", files / "good.png"])
    assert f"{files / 'flat.glassnet'}: the model's input shape (10,) is not an image" in line


@pytest.mark.parametrize("config, message", [
    ("bad.json", "bad.json: not valid JSON (Expecting property name enclosed in double quotes at line 3, column 1)."),
    ("list.json", "list.json: expected a JSON object holding a Sequential config"),
    ("functional.json", "functional.json: describes a 'Functional' model; glassnet train builds Sequential models."),
    ("nolayers.json", 'nolayers.json: not a Sequential config (expected an object with a "layers" list'),
    ("badlayer.json", "badlayer.json: not a valid Sequential config (TypeError: The layer 'Dense' could not"),
    ("binary.json", "binary.json: not a JSON text file (byte 0 is not UTF-8)."),
    ("a_folder", "--model {folder}/a_folder: is a folder"),
])
def test_train_names_the_json_file_that_is_wrong(files, capsys, tmp_path, config, message):
    line = error_line(capsys, ["train", "--data", "digits", "--model", files / config, "--out", tmp_path / "run"])
    assert str(files / config) in line and message.format(folder=files).split(" ", 1)[-1] in line
    assert not (tmp_path / "run").exists()


def test_train_out_that_is_a_file(files, capsys):
    line = error_line(capsys, ["train", "--data", "digits", "--out", files / "notes.png"])
    assert f"--out {files / 'notes.png'}: exists and is not a folder" in line


def test_no_traceback_from_the_installed_command(files):
    for argv in (["predict", files / "model.glassnet", files / "truncated.png"],
                 ["summary", files / "notes.glassnet"],
                 ["train", "--data", "digits", "--model", files / "bad.json"]):
        result = subprocess.run([sys.executable, "-m", "glassnet", *map(str, argv)], capture_output=True, text=True)
        assert result.returncode == 2 and result.stdout == ""
        assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
        assert str(argv[-1]) in result.stderr


def test_predict_a_12_megapixel_phone_photo(files, tmp_path, capsys, monkeypatch):
    width, height = 4000, 3000
    paper = Image.linear_gradient("L").resize((width, height)).point(lambda v: 180 + v // 4)
    photo = Image.merge("RGB", (paper, paper, Image.new("L", (width, height), 230)))
    ImageDraw.Draw(photo).line([(1500, 500), (2000, 2500)], fill=(20, 20, 20), width=130)
    photo.save(tmp_path / "photo.jpg", quality=90)
    scales = []
    original = JpegImagePlugin.JpegImageFile.draft

    def draft(self, mode, size):
        result = original(self, mode, size)
        scales.append(self.decoderconfig[0])
        return result

    monkeypatch.setattr(JpegImagePlugin.JpegImageFile, "draft", draft)
    capsys.readouterr()
    start = time.perf_counter()
    assert main(["predict", str(files / "model.glassnet"), str(tmp_path / "photo.jpg"), "--top", "2"]) == 0
    elapsed = time.perf_counter() - start
    line = capsys.readouterr().out.strip()
    assert line.startswith(f"{tmp_path / 'photo.jpg'}: class ") and line.count("class ") == 2
    assert scales == [8]  # the JPEG decoder ran at 1/8 scale
    with capsys.disabled():
        print(f"\nglassnet predict, 12 MP JPEG (load model, decode, preprocess, predict): {elapsed * 1000:.0f} ms "
              "(measured, not asserted)")

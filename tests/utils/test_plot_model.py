"""utils.plot_model: a PNG of the model's graph, laid out and drawn by glassnet with Pillow.

The picture is checked through the layout it is drawn from (model_layout): one box per layer,
no two boxes overlapping, an arrow from each producer to each consumer, labels with names and
shapes, ranks down the page for rankdir="TB" and across it for "LR"."""

import os
import sys
from pathlib import Path

import numpy as np
import pytest

import glassnet as keras
from glassnet.utils.plot_model import model_layout

Image = pytest.importorskip("PIL.Image", reason="plot_model draws with Pillow (part of glassnet's install)")
sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "tools" / "keras_reference"))
from graph_models import merge_graph, nested_models  # noqa: E402

L = keras.layers


def mlp():
    return keras.Sequential([keras.Input((28, 28)), L.Flatten(), L.Dense(32, activation="relu"),
                             L.Dense(10, activation="softmax")])


def overlaps(a, b) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def crosses(segment, rect) -> bool:
    """Whether a line segment passes through the inside of a rectangle (sampled finely)."""
    (x0, y0), (x1, y1) = segment
    inner = (rect[0] + 1, rect[1] + 1, rect[2] - 1, rect[3] - 1)
    return any(inner[0] < x0 + (x1 - x0) * t < inner[2] and inner[1] < y0 + (y1 - y0) * t < inner[3]
               for t in np.linspace(0, 1, 200))


def check_layout(layout):
    rects = [box.rect for box in layout.boxes]
    for i, a in enumerate(rects):
        assert 0 <= a[0] and 0 <= a[1] and a[2] <= layout.size[0] and a[3] <= layout.size[1]
        for b in rects[i + 1:]:
            assert not overlaps(a, b)
    for (source, target), route in zip(layout.edges, layout.routes):
        assert layout.boxes[source].rank < layout.boxes[target].rank  # arrows go forward
        for segment in zip(route, route[1:]):
            for index, rect in enumerate(rects):
                if index not in (source, target):
                    assert not crosses(segment, rect), (layout.boxes[source].lines[0], layout.boxes[index].lines[0])


def named_edges(layout):
    return {(layout.boxes[s].layer.name, layout.boxes[t].layer.name) for s, t in layout.edges}


def test_sequential_png(tmp_path):
    model = mlp()
    result = keras.utils.plot_model(model, to_file=tmp_path / "model.png", show_shapes=True)
    assert result is None  # what Keras returns without IPython
    with Image.open(tmp_path / "model.png") as image:
        assert image.format == "PNG"
        width, height = image.size
        assert 100 < width < 3000 and 300 < height < 4000 and height > width  # three boxes, one above another
        assert len(set(np.asarray(image.convert("L")).ravel().tolist())) > 2  # something is drawn
    layout = model_layout(model, show_shapes=True)
    assert [box.layer for box in layout.boxes] == model.layers
    assert layout.edges == [(0, 1), (1, 2)]
    assert [box.lines for box in layout.boxes] == [
        ["Flatten", "Input shape: (None, 28, 28)", "Output shape: (None, 784)"],
        ["Dense", "Input shape: (None, 784)", "Output shape: (None, 32)"],
        ["Dense", "Input shape: (None, 32)", "Output shape: (None, 10)"]]
    check_layout(layout)


def test_label_options():
    model = mlp()
    box = model_layout(model, show_layer_names=True, show_layer_activations=True, show_dtype=True,
                       show_trainable=True).boxes[1]
    assert box.lines == [f"{model.layers[1].name} (Dense)", "Activation: relu", "Output dtype: float32", "Trainable"]
    model.layers[1].trainable = False
    assert model_layout(model, show_trainable=True).boxes[1].lines[-1] == "Non-trainable"
    assert model_layout(model, show_trainable=True).boxes[0].lines == ["Flatten"]  # no weights: nothing said


def test_functional_several_inputs_outputs_and_a_shared_layer(tmp_path):
    model = merge_graph(keras)
    layout = model_layout(model, show_shapes=True, show_layer_names=True)
    assert sorted(box.layer.name for box in layout.boxes) == sorted(layer.name for layer in model.layers)
    edges = named_edges(layout)
    named = {type(layer).__name__: layer.name for layer in model.layers if layer.name not in ("shared", "digit", "kind")}
    first_dense, second_dense = [layer.name for layer in model.layers  # the unnamed ones, in graph order
                                 if type(layer).__name__ == "Dense" and layer.name not in ("shared", "digit", "kind")]
    assert {("a", "shared"), (first_dense, "shared"), ("b", named["Flatten"]), (named["Flatten"], first_dense),
            ("shared", named["Dot"]), (named["Concatenate"], "digit"), (named["Add"], second_dense),
            (second_dense, "kind")} <= edges
    assert len(edges) == len(layout.edges) == 21  # 4 into shared, 7 out (its two calls feed each merge once), 10 more
    by_name = {box.layer.name: box for box in layout.boxes}
    assert by_name["a"].rank == by_name["b"].rank == 0 and by_name["shared"].rank == 3  # longest path
    assert by_name["shared"].lines[1:] == ["Input shape: ?", "Output shape: ?"]  # called twice, as Keras shows it
    assert by_name["a"].lines == ["a (InputLayer)", "Output shape: (None, 6)"]
    assert by_name[named["Concatenate"]].lines[1].startswith("Input shape: [(None, 5), (None, 5),")
    check_layout(layout)
    keras.utils.plot_model(model, to_file=tmp_path / "graph.png", show_shapes=True)
    with Image.open(tmp_path / "graph.png") as image:
        assert image.size == model_layout(model, show_shapes=True).size


def test_rankdir_turns_the_picture():
    model = merge_graph(keras)
    down, across = model_layout(model, rankdir="TB"), model_layout(model, rankdir="LR")
    first, last = down.boxes[0], down.boxes[-1]
    assert last.y > first.y + first.height  # ranks go down the page
    first, last = across.boxes[0], across.boxes[-1]
    assert last.x > first.x + first.width  # ranks go across it
    check_layout(across)
    for layout, axis in ((down, 1), (across, 0)):  # every box of one rank at one depth
        for rank in {box.rank for box in layout.boxes}:
            centres = {round(box.rect[axis] + (box.rect[axis + 2] - box.rect[axis]) / 2, 3)
                       for box in layout.boxes if box.rank == rank}
            assert len(centres) == 1
    with pytest.raises(ValueError, match="rankdir must be one of 'TB', 'LR', received 'BT'"):
        model_layout(model, rankdir="BT")


def test_nested_models(tmp_path):
    model = nested_models(keras)
    collapsed = model_layout(model)
    assert [box.layer.name for box in collapsed.boxes] == [layer.name for layer in model.layers]
    assert collapsed.clusters == []
    expanded = model_layout(model, show_layer_names=True, expand_nested=True)
    names = [box.layer.name for box in expanded.boxes]
    assert "middle" not in names and {"middle_dense", "deep_dense", "middle_norm"} <= set(names)
    assert named_edges(expanded) >= {("middle_dense", model.layers[1].model.layers[1].model.layers[0].name),
                                     ("deep_dense", "middle_norm"), ("middle_norm", "top_dense")}
    frames = dict(expanded.clusters)
    assert set(frames) == {"middle", "deep"}
    assert overlaps(frames["middle"], frames["deep"]) and frames["middle"][0] < frames["deep"][0]
    for box in expanded.boxes:  # each box inside the frames of the models it belongs to, and no other
        for name, frame in frames.items():
            inside = frame[0] <= box.x and box.x + box.width <= frame[2] and frame[1] <= box.y and \
                box.y + box.height <= frame[3]
            assert inside == (name in box.cluster), (box.layer.name, name)
    check_layout(expanded)
    keras.utils.plot_model(model, to_file=tmp_path / "nested.png", show_layer_names=True, expand_nested=True)
    with Image.open(tmp_path / "nested.png") as image:
        assert image.size == expanded.size


def test_file_writing_and_errors(tmp_path):
    model = mlp()
    old_umask = os.umask(0o027)
    try:
        keras.utils.plot_model(model, to_file=tmp_path / "model", dpi=96)  # no extension: PNG, as Keras
    finally:
        os.umask(old_umask)
    assert os.stat(tmp_path / "model").st_mode & 0o777 == 0o640
    with Image.open(tmp_path / "model") as image:
        assert image.format == "PNG"
    keras.utils.plot_model(model, to_file=tmp_path / "model.jpg")
    with Image.open(tmp_path / "model.jpg") as image:
        assert image.format == "JPEG"
    assert sorted(os.listdir(tmp_path)) == ["model", "model.jpg"]  # no temporary files left
    with pytest.raises(ValueError, match=r"to_file must end in one of .*received to_file=.*model\.svg"):
        keras.utils.plot_model(model, to_file=tmp_path / "model.svg")
    with pytest.raises(ValueError, match="layer_range"):
        keras.utils.plot_model(model, to_file=tmp_path / "x.png", layer_range=["a", "b"])
    with pytest.raises(ValueError, match="unrecognized keyword arguments"):
        keras.utils.plot_model(model, to_file=tmp_path / "x.png", colour=True)
    with pytest.raises(ValueError, match="has not yet been built"):
        keras.utils.plot_model(keras.Sequential([L.Dense(2)]), to_file=tmp_path / "x.png")
    small = model_layout(model, dpi=50).size
    large = model_layout(model, dpi=200).size
    assert large[0] > 3 * small[0] and large[1] > 3 * small[1]  # dpi scales the picture

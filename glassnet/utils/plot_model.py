"""``plot_model``: a picture of a model's graph, drawn with Pillow (no pydot, no graphviz).

The graph: one box per layer (a shared layer is one box with an arrow per call), an arrow from
the layer that makes a tensor to each layer that reads it. With ``expand_nested=True`` a model
used as a layer is drawn as its own layers inside a dashed frame, and the arrows go to the
layers inside it (its input layers, or a Sequential's first layer) and leave from its output
layers, as Keras draws them.

The layout: a layer's rank is the length of the longest path to it from the graph's sources
(``rank = 1 + max(rank of its producers)``, 0 for an input); ranks are rows for
``rankdir="TB"`` and columns for ``"LR"``. An arrow that skips ranks gets a waypoint in each
rank it crosses, a gap of its own among that rank's boxes, so no arrow runs through a box.
Inside a rank, boxes and waypoints are ordered by the mean position of their producers (a sweep
down the ranks), then of their consumers (a sweep up), which keeps most arrows from crossing;
they are placed side by side and centred on the widest rank. ``model_layout`` returns the
positions (tests read them); ``plot_model`` draws them into the file.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

from .validation import check_choice, check_number

FORMATS = {".png": "PNG", ".jpg": "JPEG", ".jpeg": "JPEG", ".gif": "GIF", ".bmp": "BMP", ".pdf": "PDF",
           ".tif": "TIFF", ".tiff": "TIFF", ".webp": "WEBP"}


@dataclass
class Box:
    """One layer's box: ``lines`` of text, the first the title; ``x, y`` its top-left corner."""
    layer: object
    lines: list
    cluster: tuple  # the names of the nested models it is drawn inside, outermost first
    x: float = 0.0
    y: float = 0.0
    width: float = 0.0
    height: float = 0.0
    rank: int = 0

    @property
    def rect(self) -> tuple:
        return (self.x, self.y, self.x + self.width, self.y + self.height)


@dataclass
class Layout:
    """Boxes; arrows ``(producer box index, consumer box index)`` and, for each, the points it
    is drawn through (an arrow longer than one rank bends through gaps of the ranks between);
    the frames of expanded nested models (``(name, (x0, y0, x1, y1))``); the picture's size."""
    boxes: list
    edges: list
    routes: list = field(default_factory=list)
    clusters: list = field(default_factory=list)
    size: tuple = (0, 0)
    rankdir: str = "TB"


@dataclass
class _Waypoint:
    """A point an arrow passes in a rank between its ends: a box of no size in the layout."""
    rank: int
    cluster: tuple = ()
    lines: tuple = ()
    x: float = 0.0
    y: float = 0.0
    width: float = 0.0
    height: float = 0.0


# -- the graph ---------------------------------------------------------------------------------
def _shape_text(shape) -> str:
    if shape is None:
        return "?"
    if isinstance(shape, list):
        return "[" + ", ".join(_shape_text(s) for s in shape) + "]"
    return "(" + ", ".join(str(d) for d in shape) + ("," if len(shape) == 1 else "") + ")"


def _activation_name(layer) -> str | None:
    """The activation's name as the layer's config writes it (``relu``, ``linear``), or None
    for a layer without one."""
    if getattr(layer, "activation", None) is None:
        return None
    try:
        value = layer.get_config().get("activation")
    except Exception:  # a custom layer whose get_config needs more: name the object instead
        value = None
    if isinstance(value, dict):
        value = value.get("config", {}).get("name") if isinstance(value.get("config"), dict) else value.get("class_name")
    return value if isinstance(value, str) else getattr(layer.activation, "__name__", type(layer.activation).__name__)


def _label(layer, options: dict) -> list:
    """The lines of a layer's box, as Keras writes them in its table."""
    from ..layers.input_layer import InputLayer
    class_name = getattr(layer, "class_name", type(layer).__name__)
    lines = [f"{layer.name} ({class_name})" if options["show_layer_names"] else class_name]
    activation = _activation_name(layer) if options["show_layer_activations"] else None
    if activation is not None:
        lines.append(f"Activation: {activation}")
    called_once = len(getattr(layer, "_inbound_nodes", ())) <= 1  # a shared layer has no single shape
    if options["show_shapes"]:
        if not isinstance(layer, InputLayer):
            lines.append(f"Input shape: {_shape_text(layer.input_shape) if called_once else '?'}")
        output_shape = getattr(layer, "shape", None) if isinstance(layer, InputLayer) else layer.output_shape
        lines.append(f"Output shape: {_shape_text(output_shape) if called_once else '?'}")
    if options["show_dtype"]:
        lines.append(f"Output dtype: {getattr(layer, 'dtype', None) or 'float32'}")
    if options["show_trainable"] and layer.weights:
        lines.append("Trainable" if layer.trainable else "Non-trainable")
    return lines


class _Graph:
    """Boxes and edges of a model, collected recursively; nested models expanded on request."""

    def __init__(self, options: dict, expand_nested: bool):
        self.options, self.expand_nested = options, expand_nested
        self.boxes, self.edges = [], []

    def add_model(self, model, cluster: tuple) -> tuple[list, list]:
        """Add ``model``'s layers; returns (entry boxes by input index, exit boxes by output index)."""
        from ..models import Functional, Sequential
        if isinstance(model, Sequential):
            ends = [self.add_layer(layer, cluster) for layer in model.layers]
            for (_, exits), (entries, _) in zip(ends, ends[1:]):
                self.edges.append((exits[0], entries[0]))
            return (ends[0][0], ends[-1][1]) if ends else ([], [])
        if isinstance(model, Functional):
            ends = {id(layer): self.add_layer(layer, cluster) for layer in model.layers}
            for node in model._nodes:
                for input_index, tensor in enumerate(node.inputs):
                    exits = ends[id(tensor.node.layer)][1]
                    entries = ends[id(node.layer)][0]
                    self.edges.append((exits[min(tensor.index, len(exits) - 1)],
                                       entries[min(input_index, len(entries) - 1)]))
            entries = [ends[id(t.node.layer)][0][0] for t in model._inputs]
            exits = [ends[id(t.node.layer)][1][min(t.index, len(ends[id(t.node.layer)][1]) - 1)]
                     for t in model._outputs]
            return entries, exits
        index = self._box(model, cluster)  # a subclassed model is one box, as in Keras
        return [index], [index]

    def add_layer(self, layer, cluster: tuple) -> tuple[list, list]:
        if self.expand_nested and getattr(layer, "is_nested_model", False):
            from ..models import Functional, Sequential
            if isinstance(layer.model, (Functional, Sequential)):
                return self.add_model(layer.model, cluster + (layer.name,))
        index = self._box(layer, cluster)
        return [index], [index]

    def _box(self, layer, cluster: tuple) -> int:
        self.boxes.append(Box(layer, _label(layer, self.options), cluster))
        return len(self.boxes) - 1


# -- the layout --------------------------------------------------------------------------------
class _Metrics:
    """Sizes in pixels for ``dpi``: 14-pixel text at dpi 100, everything in proportion."""

    def __init__(self, dpi: float):
        self.scale = float(dpi) / 100.0
        self.font = _font(round(14 * self.scale))
        self.pad = round(8 * self.scale)
        self.line = round(20 * self.scale)
        self.title = self.line + 2 * self.pad  # the black band of a box's first line
        self.gap = round(36 * self.scale)  # between boxes of one rank
        self.rank_gap = round(56 * self.scale)  # between ranks: arrows and nested frames' titles
        self.margin = round(24 * self.scale)

    def text_width(self, text: str) -> float:
        left, _, right, _ = self.font.getbbox(text)
        return right - left


def _font(size: int):
    from PIL import ImageFont
    try:
        return ImageFont.load_default(size=size)
    except TypeError:  # Pillow before 10.1 has one bitmap size
        return ImageFont.load_default()


def _ranks(count: int, edges: list) -> list:
    """Longest-path rank of each box (Kahn's order; the graph of a model has no cycle)."""
    producers = [[] for _ in range(count)]
    consumers = [[] for _ in range(count)]
    for source, target in edges:
        producers[target].append(source)
        consumers[source].append(target)
    waiting = [len(p) for p in producers]
    ready = [i for i in range(count) if not waiting[i]]
    rank = [0] * count
    while ready:
        box = ready.pop(0)
        for target in consumers[box]:
            rank[target] = max(rank[target], rank[box] + 1)
            waiting[target] -= 1
            if not waiting[target]:
                ready.append(target)
    return rank


def model_layout(model, show_shapes=False, show_dtype=False, show_layer_names=False, rankdir="TB",
                 expand_nested=False, dpi=200, show_layer_activations=False, show_trainable=False) -> Layout:
    """Where ``plot_model`` draws each box and arrow (pixels; see the module's docstring)."""
    rankdir = check_choice(rankdir, ("TB", "LR"), "rankdir", "plot_model", lower=False)
    dpi = check_number(dpi, "dpi", "plot_model", low=20, high=1200)
    if not model.built:
        raise ValueError(f'plot_model: model "{model.name}" has not yet been built. Build it first by calling '
                         "build() or by calling the model on a batch of data.")
    options = {"show_shapes": show_shapes, "show_dtype": show_dtype, "show_layer_names": show_layer_names,
               "show_layer_activations": show_layer_activations, "show_trainable": show_trainable}
    graph = _Graph(options, expand_nested)
    graph.add_model(model, ())
    boxes, edges = graph.boxes, list(dict.fromkeys(graph.edges))  # a layer called twice on one input: one arrow
    metrics = _Metrics(dpi)
    for box, rank in zip(boxes, _ranks(len(boxes), edges)):
        box.rank = rank
        box.width = max(metrics.text_width(line) for line in box.lines) + 2 * metrics.pad
        box.height = metrics.title + max(len(box.lines) - 1, 0) * metrics.line + (metrics.pad if len(box.lines) > 1 else 0)
    items, chains = list(boxes), []
    for source, target in edges:  # a waypoint in each rank an arrow crosses
        chain = [source]
        for rank in range(boxes[source].rank + 1, boxes[target].rank):
            items.append(_Waypoint(rank, boxes[target].cluster))
            chain.append(len(items) - 1)
        chains.append(chain + [target])
    by_rank = _order(items, chains)
    _place(items, by_rank, metrics, rankdir)
    clusters = _frames(boxes, metrics)
    _shift_into_view(items, clusters, metrics)
    clusters = _frames(boxes, metrics)
    routes = [_route([items[i] for i in chain], _rank_spans(items, rankdir), rankdir) for chain in chains]
    width = max([b.x + b.width for b in items] + [c[1][2] for c in clusters], default=0) + metrics.margin
    height = max([b.y + b.height for b in items] + [c[1][3] for c in clusters], default=0) + metrics.margin
    return Layout(boxes, edges, routes, clusters, (int(width) + 1, int(height) + 1), rankdir)


def _rank_spans(items: list, rankdir: str) -> dict:
    """{rank: (start, end)} along the main axis: the room the rank's widest item takes."""
    spans: dict[int, tuple] = {}
    for item in items:
        start, size = (item.y, item.height) if rankdir == "TB" else (item.x, item.width)
        low, high = spans.get(item.rank, (start, start + size))
        spans[item.rank] = (min(low, start), max(high, start + size))
    return spans


def _route(chain: list, spans: dict, rankdir: str) -> list:
    """The points of an arrow along ``chain`` (producer, waypoints, consumer): straight out of
    the producer to the end of its rank, across the gap, straight through each rank between
    (in the gap kept for it) and straight into the consumer from the start of its rank, so that
    no segment runs through a box."""
    def at(main: float, cross: float) -> tuple:
        return (cross, main) if rankdir == "TB" else (main, cross)

    def cross_of(point: tuple) -> float:
        return point[0] if rankdir == "TB" else point[1]

    source, target = _anchor(chain[0], rankdir, True), _anchor(chain[-1], rankdir, False)
    points = [source, at(spans[chain[0].rank][1], cross_of(source))]
    for waypoint in chain[1:-1]:
        low, high = spans[waypoint.rank]
        cross = waypoint.x if rankdir == "TB" else waypoint.y
        points += [at(low, cross), at(high, cross)]
    points += [at(spans[chain[-1].rank][0], cross_of(target)), target]
    return [point for index, point in enumerate(points) if index == 0 or point != points[index - 1]]


def _order(items: list, chains: list) -> dict:
    """{rank: item indices in drawing order}: a sweep down the ranks puts each item at the mean
    position of the items that lead to it (the barycentre rule), a sweep up at the mean of
    those it leads to; the boxes of one nested model are kept together."""
    neighbours = ({}, {})  # (leads to it, it leads to)
    for chain in chains:
        for a, b in zip(chain, chain[1:]):
            neighbours[0].setdefault(b, []).append(a)
            neighbours[1].setdefault(a, []).append(b)
    by_rank: dict[int, list] = {}
    for index, item in enumerate(items):
        by_rank.setdefault(item.rank, []).append(index)
    position = {index: order for members in by_rank.values() for order, index in enumerate(members)}
    for direction in (0, 1):
        for rank in sorted(by_rank, reverse=bool(direction)):
            def key(index):
                found = [position[n] for n in neighbours[direction].get(index, ())]
                return sum(found) / len(found) if found else position[index]
            members = sorted(by_rank[rank], key=key)
            first_of = {}  # a nested model's boxes gather where its first one falls
            for order, index in enumerate(members):
                first_of.setdefault(items[index].cluster, order)
            by_rank[rank] = sorted(members, key=lambda index: (first_of[items[index].cluster], members.index(index)))
            for order, index in enumerate(by_rank[rank]):
                position[index] = order
    return by_rank


def _place(items: list, by_rank: dict, metrics: _Metrics, rankdir: str) -> None:
    """Ranks along the main axis (y for TB, x for LR), the items of a rank side by side across
    it; a waypoint becomes a line of no width through its rank, with a gap on each side."""
    across = (lambda b: b.width) if rankdir == "TB" else (lambda b: b.height)
    along = (lambda b: b.height) if rankdir == "TB" else (lambda b: b.width)
    spans = {rank: sum(across(items[i]) for i in members) + metrics.gap * (len(members) - 1)
             for rank, members in by_rank.items()}
    widest = max(spans.values(), default=0)
    main = metrics.margin
    for rank in sorted(by_rank):
        cross = metrics.margin + (widest - spans[rank]) / 2
        depth = max(along(items[i]) for i in by_rank[rank])
        for index in by_rank[rank]:
            item = items[index]
            offset = 0 if isinstance(item, _Waypoint) else (depth - along(item)) / 2
            if isinstance(item, _Waypoint):  # a line straight through the rank, in the gap it was given
                item.width, item.height = (0, depth) if rankdir == "TB" else (depth, 0)
            if rankdir == "TB":
                item.x, item.y = cross, main + offset
            else:
                item.x, item.y = main + offset, cross
            cross += across(item) + metrics.gap
        main += depth + metrics.rank_gap


def _shift_into_view(items: list, clusters: list, metrics: _Metrics) -> None:
    """Move everything so that the frames of nested models, too, start at the margin."""
    left = min([item.x for item in items] + [c[1][0] for c in clusters])
    top = min([item.y for item in items] + [c[1][1] for c in clusters])
    for item in items:
        item.x += metrics.margin - left
        item.y += metrics.margin - top


def _frames(boxes: list, metrics: _Metrics) -> list:
    """(name, rectangle) around the boxes of each expanded nested model, deeper ones inside."""
    members: dict[tuple, list] = {}
    for box in boxes:
        for depth in range(1, len(box.cluster) + 1):
            members.setdefault(box.cluster[:depth], []).append(box)
    frames = []
    for path, inside in sorted(members.items(), key=lambda item: len(item[0])):
        inset = metrics.pad * (1 + 2 * (max(len(b.cluster) for b in inside) - len(path)))
        x0 = min(b.x for b in inside) - inset
        y0 = min(b.y for b in inside) - inset - metrics.line
        x1 = max(b.x + b.width for b in inside) + inset
        y1 = max(b.y + b.height for b in inside) + inset
        frames.append((path[-1], (x0, y0, x1, y1)))
    return frames


# -- drawing -----------------------------------------------------------------------------------
def _anchor(box: Box, rankdir: str, outgoing: bool) -> tuple:
    if rankdir == "TB":
        return (box.x + box.width / 2, box.y + box.height if outgoing else box.y)
    return (box.x + box.width if outgoing else box.x, box.y + box.height / 2)


def draw_layout(layout: Layout, dpi=200):
    """A Pillow image of ``layout``: white boxes with a black title band, arrows, dashed frames."""
    from PIL import Image, ImageDraw
    metrics = _Metrics(dpi)
    image = Image.new("RGB", layout.size, "white")
    draw = ImageDraw.Draw(image)
    for name, (x0, y0, x1, y1) in layout.clusters:
        _dashed_rectangle(draw, (x0, y0, x1, y1), max(1, round(metrics.scale)), round(6 * metrics.scale))
        draw.text((x0 + metrics.pad, y0 + metrics.pad / 2), name, fill="black", font=metrics.font)
    width = max(1, round(1.5 * metrics.scale))
    for route in layout.routes:
        draw.line(route, fill="black", width=width, joint="curve")
        _arrowhead(draw, route[-2], route[-1], 7 * metrics.scale)
    for box in layout.boxes:
        draw.rectangle(box.rect, fill="white", outline="black", width=width)
        draw.rectangle((box.x, box.y, box.x + box.width, box.y + metrics.title), fill="black")
        draw.text((box.x + metrics.pad, box.y + metrics.pad), box.lines[0], fill="white", font=metrics.font)
        for row, line in enumerate(box.lines[1:]):
            draw.text((box.x + metrics.pad, box.y + metrics.title + metrics.pad / 2 + row * metrics.line), line,
                      fill="black", font=metrics.font)
    return image


def _arrowhead(draw, start: tuple, end: tuple, size: float) -> None:
    dx, dy = end[0] - start[0], end[1] - start[1]
    length = max((dx * dx + dy * dy) ** 0.5, 1e-9)
    ux, uy = dx / length, dy / length
    base = (end[0] - ux * size, end[1] - uy * size)
    draw.polygon([end, (base[0] - uy * size / 2, base[1] + ux * size / 2),
                  (base[0] + uy * size / 2, base[1] - ux * size / 2)], fill="black")


def _dashed_rectangle(draw, rect: tuple, width: int, dash: int) -> None:
    x0, y0, x1, y1 = rect
    for (ax, ay), (bx, by) in (((x0, y0), (x1, y0)), ((x1, y0), (x1, y1)), ((x1, y1), (x0, y1)), ((x0, y1), (x0, y0))):
        length = max(abs(bx - ax), abs(by - ay))
        steps = max(int(length // (2 * dash)), 1)
        for step in range(steps):
            t0, t1 = 2 * step * dash / length, min((2 * step + 1) * dash / length, 1.0)
            draw.line([(ax + (bx - ax) * t0, ay + (by - ay) * t0), (ax + (bx - ax) * t1, ay + (by - ay) * t1)],
                      fill="gray", width=width)


def plot_model(model, to_file="model.png", show_shapes=False, show_dtype=False, show_layer_names=False,
               rankdir="TB", expand_nested=False, dpi=200, show_layer_activations=False, show_trainable=False,
               **kwargs):
    """Draw ``model``'s graph into ``to_file`` (PNG, or the format its extension names: .jpg,
    .pdf, ...; no extension means PNG), written atomically. Keras's arguments and defaults;
    ``splines`` is accepted and ignored (arrows are straight lines). Returns, as Keras does, an
    ``IPython.display.Image`` of the file when IPython is installed (and the file is no PDF),
    else None."""
    kwargs.pop("splines", None)
    if kwargs.pop("layer_range", None) is not None:
        raise ValueError("plot_model: the argument `layer_range` is no longer supported (as in Keras 3).")
    if kwargs:
        raise ValueError(f"plot_model: unrecognized keyword arguments: {sorted(kwargs)}.")
    to_file = os.fspath(to_file)
    extension = os.path.splitext(to_file)[1].lower()
    if extension and extension not in FORMATS:
        raise ValueError(f"plot_model: to_file must end in one of {', '.join(sorted(FORMATS))} (or have no "
                         f"extension, for PNG); received to_file={to_file!r}. glassnet draws with Pillow, "
                         "which writes no .svg or .dot.")
    layout = model_layout(model, show_shapes, show_dtype, show_layer_names, rankdir, expand_nested, dpi,
                          show_layer_activations, show_trainable)
    image = draw_layout(layout, dpi)
    from ..saving.atomic import atomic_write
    with atomic_write(to_file) as stream:
        image.save(stream, format=FORMATS.get(extension, "PNG"), dpi=(dpi, dpi))
    if extension != ".pdf":
        try:
            from IPython import display
        except ImportError:
            return None
        return display.Image(filename=to_file)
    return None

// glassnet draw: the drawing pad, and what the model makes of the drawing.
// Strokes are kept as lists of points so that Undo can redraw all but the last. While the
// person draws, the pad is sent as a PNG to POST /api/predict, one request at a time: a
// change made while a request is out is sent as soon as its answer arrives.
"use strict";

const INK_WIDTH = 20;          // pixels of the 280-pixel pad: about 2 of the model's 28
const MAX_BARS = 10;

const pad = document.getElementById("pad-canvas");
const padContext = pad.getContext("2d");
const inputCanvas = document.getElementById("input-canvas");
const statusLine = document.getElementById("status");
const strokes = [];
let current = null;            // the stroke being drawn
let inFlight = false;
let changedSinceSent = false;
let classNames = [];           // from GET /api/model: labels for the last layer's bars

function padPoint(event) {
  const box = pad.getBoundingClientRect();
  return [(event.clientX - box.left) * pad.width / box.width, (event.clientY - box.top) * pad.height / box.height];
}

function paintStroke(points) {
  padContext.lineWidth = INK_WIDTH;
  padContext.lineCap = "round";
  padContext.lineJoin = "round";
  padContext.strokeStyle = "#000";
  padContext.fillStyle = "#000";
  if (points.length === 1) {
    padContext.beginPath();
    padContext.arc(points[0][0], points[0][1], INK_WIDTH / 2, 0, 2 * Math.PI);
    padContext.fill();
    return;
  }
  padContext.beginPath();
  padContext.moveTo(points[0][0], points[0][1]);
  for (const [x, y] of points.slice(1)) padContext.lineTo(x, y);
  padContext.stroke();
}

function repaint() {
  padContext.fillStyle = "#fff";
  padContext.fillRect(0, 0, pad.width, pad.height);
  for (const stroke of strokes) paintStroke(stroke);
}

pad.addEventListener("pointerdown", (event) => {
  event.preventDefault();
  try { pad.setPointerCapture(event.pointerId); } catch (error) { /* a synthetic event's pointer */ }
  current = [padPoint(event)];
  strokes.push(current);
  paintStroke(current);
  requestPrediction();
});

pad.addEventListener("pointermove", (event) => {
  if (!current) return;
  event.preventDefault();
  const events = event.getCoalescedEvents ? event.getCoalescedEvents() : [event];
  for (const each of (events.length ? events : [event])) current.push(padPoint(each));
  paintStroke(current.slice(-events.length - 1));
  requestPrediction();
});

function endStroke() {
  if (!current) return;
  current = null;
  requestPrediction();
}
pad.addEventListener("pointerup", endStroke);
pad.addEventListener("pointercancel", endStroke);

document.getElementById("clear").addEventListener("click", () => {
  strokes.length = 0;
  repaint();
  showEmpty();
});

document.getElementById("undo").addEventListener("click", () => {
  strokes.pop();
  repaint();
  if (strokes.length) requestPrediction(); else showEmpty();
});

document.getElementById("save").addEventListener("click", () => {
  const link = document.createElement("a");
  link.download = "drawing.png";
  link.href = pad.toDataURL("image/png");
  document.body.appendChild(link);
  link.click();
  link.remove();
});

function requestPrediction() {
  changedSinceSent = true;
  if (!inFlight) sendPad();
}

function sendPad() {
  changedSinceSent = false;
  inFlight = true;
  pad.toBlob(async (blob) => {
    try {
      const response = await fetch("/api/predict", {method: "POST", headers: {"Content-Type": "image/png"}, body: blob});
      const answer = await response.json();
      if (!response.ok) throw new Error(answer.error || ("HTTP " + response.status));
      if (strokes.length) show(answer);
    } catch (error) {
      statusLine.textContent = "The server did not answer: " + error.message;
      statusLine.className = "error";
    } finally {
      inFlight = false;
      if (changedSinceSent && strokes.length) sendPad();
    }
  }, "image/png");
}

function greyImage(canvas, rows, width, height) {
  // rows: height lists of width values 0..255, drawn as grey pixels (then scaled by CSS).
  const small = document.createElement("canvas");
  small.width = width;
  small.height = height;
  const context = small.getContext("2d");
  const image = context.createImageData(width, height);
  for (let r = 0; r < height; r++) {
    for (let c = 0; c < width; c++) {
      const v = rows[r][c], at = 4 * (r * width + c);
      image.data[at] = image.data[at + 1] = image.data[at + 2] = v;
      image.data[at + 3] = 255;
    }
  }
  context.putImageData(image, 0, 0);
  const target = canvas.getContext("2d");
  target.imageSmoothingEnabled = false;
  target.clearRect(0, 0, canvas.width, canvas.height);
  target.drawImage(small, 0, 0, canvas.width, canvas.height);
}

function show(answer) {
  const rows = answer.image;
  greyImage(inputCanvas, rows, rows[0].length, rows.length);
  const bars = document.getElementById("bars");
  bars.replaceChildren(...answer.top.slice(0, MAX_BARS).map((entry) => {
    const item = document.createElement("li");
    item.dataset.class = entry["class"];
    const label = document.createElement("span");
    label.className = "label";
    label.textContent = entry["class"];
    const track = document.createElement("span");
    track.className = "track";
    const bar = document.createElement("span");
    bar.className = "bar";
    bar.style.display = "block";
    bar.style.width = (100 * entry.probability).toFixed(1) + "%";
    track.appendChild(bar);
    const value = document.createElement("span");
    value.className = "value";
    value.textContent = (100 * entry.probability).toFixed(1) + "%";
    item.append(label, track, value);
    return item;
  }));
  statusLine.className = "hint";
  statusLine.textContent = "Best guess: " + answer.top[0]["class"];
  if (answer.activations) showActivations(answer.activations);
  document.body.dataset.predictions = String(Number(document.body.dataset.predictions) + 1);
  document.body.dataset.top = answer.top[0]["class"];
}

function showEmpty() {
  document.getElementById("bars").replaceChildren();
  inputCanvas.getContext("2d").clearRect(0, 0, inputCanvas.width, inputCanvas.height);
  statusLine.className = "hint";
  statusLine.textContent = "Draw something.";
  delete document.body.dataset.top;
}

function showActivations(layers) {
  const holder = document.getElementById("activations");
  holder.replaceChildren(...layers.map((layer, index) => {
    const box = document.createElement("div");
    box.className = "layer";
    box.dataset.kind = layer.kind;
    const title = document.createElement("h3");
    title.textContent = layer.name + " (" + layer.class_name + ") ";
    const shape = document.createElement("span");
    shape.className = "shape";
    shape.textContent = layer.shape ? layer.shape.join(" x ") : "";
    title.appendChild(shape);
    box.appendChild(title);
    if (layer.kind === "maps") box.appendChild(featureMaps(layer));
    else if (layer.kind === "vector") {
      const last = index === layers.length - 1 && layer.values.length === classNames.length;
      box.appendChild(layer.values.length <= 128 ? vectorBars(layer, last ? classNames : null) : vectorStrip(layer));
    }
    return box;
  }));
}

function featureMaps(layer) {
  const maps = document.createElement("div");
  maps.className = "maps";
  for (const rows of layer.maps) {
    const canvas = document.createElement("canvas");
    canvas.width = 56;
    canvas.height = 56;
    greyImage(canvas, rows, rows[0].length, rows.length);
    maps.appendChild(canvas);
  }
  if (layer.shape[2] > layer.maps.length) {
    const more = document.createElement("span");
    more.className = "hint";
    more.textContent = " first " + layer.maps.length + " of " + layer.shape[2] + " channels";
    maps.appendChild(more);
  }
  return maps;
}

function vectorBars(layer, labels) {
  // One column per value, as tall as its size (red when negative); labelled with the class
  // names when the layer is the model's output.
  const holder = document.createElement("div");
  holder.className = labels ? "vector labelled" : "vector";
  const scale = Math.max(Math.abs(layer.min), Math.abs(layer.max), 1e-9);
  layer.values.forEach((v, i) => {
    const cell = document.createElement("span");
    cell.className = "cell";
    const column = document.createElement("span");
    column.className = v < 0 ? "col neg" : "col";
    column.style.height = (100 * Math.abs(v) / scale).toFixed(1) + "%";
    cell.title = (labels ? labels[i] + ": " : "") + v.toFixed(3);
    const area = document.createElement("span");
    area.className = "area";
    area.appendChild(column);
    cell.appendChild(area);
    if (labels) {
      const label = document.createElement("span");
      label.className = "name";
      label.textContent = labels[i];
      cell.appendChild(label);
    }
    holder.appendChild(cell);
  });
  return holder;
}

function vectorStrip(layer) {
  // Many values (a Flatten's output): one grey cell each, 64 to a row.
  const width = Math.min(64, layer.values.length), height = Math.ceil(layer.values.length / width);
  const low = layer.min, span = Math.max(layer.max - layer.min, 1e-9);
  const rows = [];
  for (let r = 0; r < height; r++) {
    const row = [];
    for (let c = 0; c < width; c++) {
      const v = layer.values[r * width + c];
      row.push(v === undefined ? 0 : Math.round(255 * (v - low) / span));
    }
    rows.push(row);
  }
  const canvas = document.createElement("canvas");
  canvas.className = "strip";
  canvas.width = width * 8;
  canvas.height = height * 8;
  canvas.style.height = (height * 8) + "px";
  canvas.style.width = (width * 8) + "px";
  greyImage(canvas, rows, width, height);
  const holder = document.createElement("div");
  holder.appendChild(canvas);
  if (layer.shape[0] > layer.values.length) {
    const more = document.createElement("p");
    more.className = "hint";
    more.textContent = "first " + layer.values.length + " of " + layer.shape[0] + " values";
    holder.appendChild(more);
  }
  return holder;
}

async function loadModel() {
  try {
    const response = await fetch("/api/model");
    const model = await response.json();
    if (!response.ok) throw new Error(model.error);
    document.getElementById("model-line").textContent = model.name + ": " + model.classes.length + " classes, " +
      model.params.toLocaleString() + " parameters, input " + model.input_shape.join(" x ");
    document.getElementById("summary").textContent = model.summary;
    classNames = model.classes;
  } catch (error) {
    document.getElementById("model-line").textContent = "Could not read the model: " + error.message;
  }
}

repaint();
loadModel();

// glassnet train --watch: the loss and metric curves, redrawn every second from GET /api/history.
"use strict";

const COLOURS = {train: "#2f6fdb", val: "#e07b24"};
let failures = 0;

function groups(history) {
  // {"loss": {train: [...], val: [...]}, "accuracy": {...}}: each metric with its val_ twin.
  const result = {};
  for (const [key, values] of Object.entries(history)) {
    const isVal = key.startsWith("val_");
    const name = isVal ? key.slice(4) : key;
    (result[name] = result[name] || {})[isVal ? "val" : "train"] = values;
  }
  return result;
}

function chart(name, series, epochs) {
  let box = document.getElementById("chart-" + name);
  if (!box) {
    box = document.createElement("section");
    box.className = "chart";
    box.id = "chart-" + name;
    const title = document.createElement("h2");
    title.textContent = name;
    const canvas = document.createElement("canvas");
    canvas.width = 520;
    canvas.height = 300;
    const legend = document.createElement("div");
    legend.className = "legend";
    box.append(title, canvas, legend);
    document.getElementById("charts").appendChild(box);
  }
  const canvas = box.querySelector("canvas");
  const context = canvas.getContext("2d");
  const values = Object.values(series).flat().filter((v) => v !== null);
  const count = Math.max(epochs || 0, ...Object.values(series).map((s) => s.length), 2);
  let low = Math.min(...values), high = Math.max(...values);
  if (high - low < 1e-9) { low -= 0.5; high += 0.5; }
  const left = 56, right = 12, top = 12, bottom = 30;
  const x = (i) => left + (canvas.width - left - right) * i / (count - 1);
  const y = (v) => top + (canvas.height - top - bottom) * (high - v) / (high - low);
  context.clearRect(0, 0, canvas.width, canvas.height);
  context.strokeStyle = "#d5dae3";
  context.fillStyle = "#5b6475";
  context.font = "11px system-ui, sans-serif";
  context.lineWidth = 1;
  for (let k = 0; k <= 4; k++) {
    const v = low + (high - low) * k / 4;
    context.beginPath(); context.moveTo(left, y(v)); context.lineTo(canvas.width - right, y(v)); context.stroke();
    context.fillText(v.toPrecision(3), 4, y(v) + 4);
  }
  context.fillText("epoch 1", left, canvas.height - 8);
  context.fillText(String(count), canvas.width - right - 16, canvas.height - 8);
  const legend = box.querySelector(".legend");
  legend.replaceChildren();
  for (const [kind, points] of Object.entries(series)) {
    context.strokeStyle = context.fillStyle = COLOURS[kind];
    context.lineWidth = 2;
    context.beginPath();
    points.forEach((v, i) => { if (v !== null) (i ? context.lineTo(x(i), y(v)) : context.moveTo(x(i), y(v))); });
    context.stroke();
    points.forEach((v, i) => { if (v !== null) { context.beginPath(); context.arc(x(i), y(v), 3, 0, 2 * Math.PI); context.fill(); } });
    const entry = document.createElement("span");
    const swatch = document.createElement("i");
    swatch.style.background = COLOURS[kind];
    const last = points[points.length - 1];
    entry.append(swatch, (kind === "val" ? "val_" + name : name) + (last === null || last === undefined ? "" : " " + last.toFixed(4)));
    legend.appendChild(entry);
  }
}

async function poll() {
  const status = document.getElementById("status");
  try {
    const response = await fetch("/api/history");
    const state = await response.json();
    if (!response.ok) throw new Error(state.error);
    failures = 0;
    document.getElementById("title").textContent = "glassnet: " + state.title;
    const shown = Object.values(state.history)[0]?.length || 0;
    for (const [name, series] of Object.entries(groups(state.history))) chart(name, series, state.epochs);
    document.body.dataset.epochsShown = String(shown);
    status.textContent = state.done ? "finished: " + shown + " epochs" :
      (shown ? "epoch " + shown + " of " + (state.epochs || "?") + " done" : "waiting for the first epoch\u2026");
    if (!state.done) setTimeout(poll, 1000);
  } catch (error) {
    failures += 1;
    if (failures >= 3) { status.textContent = "The training process has ended; the curves above are its last."; return; }
    setTimeout(poll, 1000);
  }
}

poll();

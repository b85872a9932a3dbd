"""One workload in PyTorch (eager, CPU), built to match the Keras models: the same initial
weights as the Keras runs (glorot-uniform kernels, zero biases, from workloads.initial_weights),
Adam(eps=1e-7), channels handled as PyTorch wants (NCHW).

    python run_torch.py W1 EPOCHS SEED [LIMIT]
"""

import json
import os
import resource
import sys
import time

workload, epochs, seed = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
limit = int(sys.argv[4]) if len(sys.argv) > 4 else None
started = time.perf_counter()
import torch  # noqa: E402
import_seconds = time.perf_counter() - started

from workloads import WORKLOADS, initial_weights, load_fashion, load_sequences  # noqa: E402

torch.set_num_threads(os.cpu_count() or 1)
torch.manual_seed(seed)
spec = WORKLOADS[workload]
nn = torch.nn


class SequenceClassifier(nn.Module):
    """W6 as PyTorch writes it: embedding, LSTM, the last h through a linear layer (logits)."""

    def __init__(self):
        super().__init__()
        self.embedding = nn.Embedding(spec["vocabulary"], spec["embedding"])
        self.lstm = nn.LSTM(spec["embedding"], spec["units"], batch_first=True)
        self.head = nn.Linear(spec["units"], 1)

    def forward(self, ids):
        _, (h, _) = self.lstm(self.embedding(ids))
        return self.head(h[-1])[:, 0]


def image_model():
    """W1-W5 as PyTorch writes them, with the Keras runs' initial weights of this seed."""
    if spec["model"] == "mlp":
        model = nn.Sequential(nn.Flatten(), nn.Linear(784, spec["hidden"]), nn.ReLU(), nn.Linear(spec["hidden"], 10))
    elif spec["model"] == "seed_cnn":
        model = nn.Sequential(nn.Conv2d(1, 64, 3), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(), nn.Linear(10816, 10))
    else:
        model = nn.Sequential(nn.Conv2d(1, 32, 3), nn.ReLU(), nn.MaxPool2d(2), nn.Conv2d(32, 64, 3), nn.ReLU(),
                              nn.MaxPool2d(2), nn.Flatten(), nn.Dropout(0.5), nn.Linear(1600, 10))
    parameters = [p for m in model if isinstance(m, (nn.Linear, nn.Conv2d)) for p in (m.weight, m.bias)]
    with torch.no_grad():
        for parameter, value in zip(parameters, initial_weights(spec, seed, torch_layout=True), strict=True):
            parameter.copy_(torch.from_numpy(value))
    return model


if spec["model"] == "lstm":
    (x_train, y_train), (x_test, y_test) = load_sequences(spec)
    if limit:
        x_train, y_train = x_train[:limit], y_train[:limit]
    x_train, x_test = torch.tensor(x_train, dtype=torch.long), torch.tensor(x_test, dtype=torch.long)
    y_train, y_test = torch.tensor(y_train), torch.tensor(y_test)
    model = SequenceClassifier()
    with torch.no_grad():
        for parameter, value in zip(model.parameters(), initial_weights(spec, seed, torch_layout=True), strict=True):
            parameter.copy_(torch.from_numpy(value))
    loss_fn = nn.BCEWithLogitsLoss()
else:
    (x_train, y_train), (x_test, y_test) = load_fashion(limit)
    x_train = torch.tensor(x_train / 255.0, dtype=torch.float32)
    x_test = torch.tensor(x_test / 255.0, dtype=torch.float32)
    y_train, y_test = torch.tensor(y_train, dtype=torch.long), torch.tensor(y_test, dtype=torch.long)
    if spec["model"] != "mlp":
        x_train, x_test = x_train[:, None], x_test[:, None]
    model = image_model()
    loss_fn = nn.CrossEntropyLoss()
optimizer = torch.optim.Adam(model.parameters(), lr=1e-3, eps=1e-7)
if spec.get("validation_split"):
    cut = int(len(x_train) * (1 - spec["validation_split"]))
    x_train, y_train = x_train[:cut], y_train[:cut]
seconds = []
for epoch in range(epochs):
    begin = time.perf_counter()
    model.train()
    order = torch.randperm(len(x_train))
    for start in range(0, len(x_train), spec["batch_size"]):
        index = order[start:start + spec["batch_size"]]
        optimizer.zero_grad()
        loss = loss_fn(model(x_train[index]), y_train[index])
        loss.backward()
        optimizer.step()
    seconds.append(time.perf_counter() - begin)
model.eval()
throughput = {}
with torch.no_grad():
    if spec["model"] == "lstm":
        accuracy = float(((model(x_test) > 0).float() == y_test).float().mean())
    else:
        accuracy = float((model(x_test).argmax(1) == y_test).float().mean())
    for batch in (32, 1000):
        best = float("inf")
        for _ in range(3):  # one pass takes 10-100 ms: the best of three evens out the machine's noise
            begin = time.perf_counter()
            for start in range(0, len(x_test), batch):
                scores = model(x_test[start:start + batch])
                torch.sigmoid(scores) if spec["model"] == "lstm" else torch.softmax(scores, 1)
            best = min(best, time.perf_counter() - begin)
        throughput[batch] = len(x_test) / best
print(json.dumps({"framework": "pytorch", "workload": workload, "epoch_seconds": seconds, "test_accuracy": accuracy,
                  "predict_32": throughput[32], "predict_1000": throughput[1000],
                  "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "import_seconds": import_seconds}))

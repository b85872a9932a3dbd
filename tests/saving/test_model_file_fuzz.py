"""Damaged model files: every mutant either loads as the very model that was saved or raises
ModelFileError. Nothing else: no other exception, no other model.

The seeded run here is a few hundred mutants in a few seconds. A longer run with hypothesis
choosing the mutations (see README, "Fuzzing the loader"):

    GLASSNET_FUZZ_EXAMPLES=5000 python -m pytest tests/saving/test_model_file_fuzz.py -k hypothesis
"""

import io
import os
import random
import zipfile

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import glassnet as keras
from glassnet.saving import ModelFileError

L = keras.layers


@pytest.fixture(scope="module")
def original(tmp_path_factory):
    """A small CNN with an optimizer state, saved; its bytes, predictions and config."""
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((6, 6, 1)), L.Conv2D(2, 3, activation="relu"), L.Flatten(),
                              L.Dropout(0.1), L.Dense(3, activation="softmax")])
    model.compile("adam", "sparse_categorical_crossentropy", metrics=["accuracy"])
    x = np.random.default_rng(0).normal(size=(8, 6, 6, 1)).astype(np.float32)
    model.fit(x, np.arange(8) % 3, epochs=1, verbose=0)
    path = tmp_path_factory.mktemp("fuzz") / "m.glassnet"
    model.save(path)
    return {"bytes": path.read_bytes(), "x": x, "predictions": model.predict(x, verbose=0),
            "config": model.get_config(), "slots": [s.copy() for s in model.optimizer.slots]}


def outcome(original, data: bytes, folder) -> str:
    """'equal' or 'error'; fails the test for any other outcome."""
    path = os.path.join(folder, "mutant.glassnet")
    with open(path, "wb") as stream:
        stream.write(data)
    try:
        model = keras.models.load_model(path)
    except ModelFileError:
        return "error"
    # Loaded: it must be the model that was saved, weights, config and optimizer state.
    assert model.get_config() == original["config"]
    np.testing.assert_array_equal(model.predict(original["x"], verbose=0), original["predictions"])
    for slot, saved in zip(model.optimizer.slots, original["slots"]):
        np.testing.assert_array_equal(slot, saved)
    return "equal"


def members_of(data: bytes) -> dict:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {info.filename: (info, archive.read(info.filename)) for info in archive.infolist()}


def rezip(members: dict, compression=zipfile.ZIP_STORED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def mutate(data: bytes, rng: random.Random) -> bytes:
    """One mutation: flipped bits, a truncation, or a member edited and re-zipped with valid CRCs."""
    kind = rng.choice(["flip", "flips", "truncate", "edit", "drop", "add", "compress"])
    if kind in ("flip", "flips"):
        mutant = bytearray(data)
        for _ in range(1 if kind == "flip" else rng.randint(2, 16)):
            mutant[rng.randrange(len(mutant))] ^= 1 << rng.randrange(8)
        return bytes(mutant)
    if kind == "truncate":
        return data[:rng.randrange(len(data))]
    members = {name: content for name, (_, content) in members_of(data).items()}
    names = sorted(members)
    if kind == "drop":
        del members[rng.choice(names)]
    elif kind == "add":
        members[rng.choice(["extra.json", "weights/9999.npy", "optimizer/0100.npy"])] = b"{}"
    elif kind == "compress":
        return rezip(members, zipfile.ZIP_DEFLATED)  # another valid zip of the same members
    else:
        name = rng.choice(names)
        content = bytearray(members[name])
        if content:
            position = rng.randrange(len(content))
            content[position:position + rng.randint(1, 4)] = bytes(rng.randrange(256) for _ in range(rng.randint(0, 4)))
        members[name] = bytes(content)
    return rezip(members)


def test_seeded_mutants_load_equal_or_fail_clearly(original, tmp_path):
    rng = random.Random(20261202)
    outcomes = [outcome(original, mutate(original["bytes"], rng), tmp_path) for _ in range(300)]
    # Both outcomes occur: equal loads (a flipped bit in a date, another compression) and errors.
    assert outcomes.count("error") > 200 and outcomes.count("equal") > 0, outcomes.count("equal")


EXAMPLES = int(os.environ.get("GLASSNET_FUZZ_EXAMPLES", "40"))


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.integers(0, 2**32 - 1), rounds=st.integers(1, 3))
def test_hypothesis_mutants_load_equal_or_fail_clearly(original, tmp_path, seed, rounds):
    rng = random.Random(seed)
    data = original["bytes"]
    for _ in range(rounds):  # mutants of mutants
        try:
            data = mutate(data, rng)
        except Exception:  # noqa: BLE001 (zlib.error, BadZipFile, ...)
            break  # the mutant is no longer a zip that the mutator can take apart: test it as it is
    outcome(original, data, tmp_path)


def test_a_re_signed_config_asking_for_huge_weights_is_refused_before_allocating(original, tmp_path):
    """An edit made on purpose, with the manifest's hashes recomputed: the checksums pass, so
    the weight budget (what the file's arrays can hold) is what stops a 4 GB Dense kernel."""
    import hashlib
    import json
    import resource
    members = {name: content for name, (_, content) in members_of(original["bytes"]).items()}
    config = json.loads(members["config.json"])
    config["model"]["config"]["layers"][-1]["config"]["units"] = 100_000_000
    members["config.json"] = json.dumps(config).encode()
    header = json.loads(members["glassnet.json"])
    header["members"]["config.json"] = hashlib.sha256(members["config.json"]).hexdigest()
    members["glassnet.json"] = json.dumps(header).encode()
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    path = tmp_path / "huge.glassnet"
    path.write_bytes(rezip(members))
    with pytest.raises(ModelFileError, match="more values than the file holds"):
        keras.models.load_model(path)
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before < 200_000  # KiB

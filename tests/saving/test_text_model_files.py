"""Text models in Keras's .keras files, both ways.

files/keras_text_model.keras was written by Keras 3.15.1 on TensorFlow 2.21.0
(tools/keras_reference/text_model_file.py): TextVectorization -> Embedding(mask_zero) -> LSTM ->
Dense. Keras keeps the adapted vocabulary in the file's assets/, and names the input's dtype
"string"; the predictions below are the ones Keras printed for the same file.
"""

import sys
from pathlib import Path

import numpy as np
import pytest

import glassnet as keras

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "tools" / "keras_reference"))
from text_model_file import CORPUS, PROBES  # noqa: E402

FILE = Path(__file__).parent / "files" / "keras_text_model.keras"
KERAS_VOCABULARY = ["", "[UNK]", "movie", "great", "good", "film", "a", "truly", "not", "bad", "awful", "at", "an", "all"]
KERAS_PREDICTIONS = [0.5031654834747314, 0.49661821126937866, 0.49232369661331177, 0.4980168044567108]


def test_keras_text_model_loads_with_its_vocabulary_and_predicts_as_keras():
    model = keras.models.load_model(FILE)
    assert model.layers[0].get_vocabulary() == KERAS_VOCABULARY
    np.testing.assert_allclose(model.predict(np.array(PROBES), verbose=0).ravel(), KERAS_PREDICTIONS, atol=1e-6)


def test_glassnet_text_model_round_trips_through_a_keras_file(tmp_path):
    """What glassnet writes names the input "string" and carries the vocabulary in the config,
    which Keras reads (checked by hand with Keras 3.15.1 on TensorFlow: the same predictions)."""
    import json
    import zipfile
    keras.utils.set_random_seed(0)
    vectorizer = keras.layers.TextVectorization(max_tokens=30, output_sequence_length=6)
    vectorizer.adapt(CORPUS)
    model = keras.Sequential([keras.Input((1,), dtype="string"), vectorizer, keras.layers.Embedding(30, 4, mask_zero=True),
                              keras.layers.LSTM(3), keras.layers.Dense(1, activation="sigmoid")])
    model.save(tmp_path / "text.keras")
    config = json.loads(zipfile.ZipFile(tmp_path / "text.keras").read("config.json"))
    assert config["config"]["layers"][0]["config"]["dtype"] == "string"
    loaded = keras.models.load_model(tmp_path / "text.keras")
    assert loaded.layers[0].get_vocabulary() == vectorizer.get_vocabulary()
    np.testing.assert_array_equal(loaded.predict(np.array(PROBES), verbose=0), model.predict(np.array(PROBES), verbose=0))


@pytest.mark.parametrize("damage", ["not utf-8", "empty"])
def test_a_damaged_vocabulary_asset_is_a_model_file_error(tmp_path, damage):
    import zipfile
    damaged = tmp_path / "damaged.keras"
    with zipfile.ZipFile(FILE) as source, zipfile.ZipFile(damaged, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "assets/layers/text_vectorization/vocabulary.txt":
                data = b"\xff\xfe\x00bad" if damage == "not utf-8" else b""
            target.writestr(item, data)
    with pytest.raises(keras.saving.ModelFileError, match="damaged.keras"):
        keras.models.load_model(damaged)

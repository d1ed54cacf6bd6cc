"""Every setting, layer type and data source shown on Build has its words in both catalogs.

The keys are built from names (`setting.<name>.label`, `layer.<type>.help`), so the scan of
literal keys in test_words cannot see them: here every one the code can build is checked.
"""

from __future__ import annotations

import pytest

from components.base_ui import NETWORKS, WEIGHT_SOURCES
from components.previews import SUMMARY_COLUMNS
from tflab.data import CATALOG
from tflab.spec import (LAYER_TYPES, AugmentationSpec, BaseSpec, CompileSpec, ExperimentSpec,
                        FitSpec, Param, declared)
from tflab.spec.data import VALIDATION_SPLIT
from tflab.words import LANGUAGES, Phrase, Words


def every_param() -> list[Param]:
    """Each Param the engine declares: the specs', the layers', the datasets'."""
    params = [VALIDATION_SPLIT]
    for cls in (CompileSpec, FitSpec, AugmentationSpec, BaseSpec, ExperimentSpec):
        params += declared(cls)
    for kind in LAYER_TYPES.values():
        params += kind.params
    for info in CATALOG.values():
        params += info.options
    return params


def keys_built_by_the_code() -> list[str]:
    keys = []
    for p in every_param():
        keys += [p.label.key, p.help.key]
    keys += [kind.help.key for kind in LAYER_TYPES.values()]
    for name in CATALOG:
        keys += [f"sources.{name}.title", f"sources.{name}.description"]
    keys += [f"build.kind.{kind}" for kind in ("regression", "binary", "multiclass", "series")]
    keys += [f"build.summary_column.{name.replace(' ', '_')}" for name in SUMMARY_COLUMNS]
    keys += [f"sources.base.network.{key}" for key in NETWORKS.values()]
    keys += [f"sources.base.weights.{key}" for key in WEIGHT_SOURCES.values()]
    return keys


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_key_built_from_a_name_is_in_the_catalog(language):
    words = Words.load(language)
    absent = [key for key in keys_built_by_the_code() if not words.has(key)]
    assert not absent


def test_the_data_kinds_are_the_catalogs_kinds():
    from tflab.data import summarize

    kinds = {summarize(name, {}).kind for name in CATALOG if name != "folder"}
    assert kinds <= {"regression", "binary", "multiclass", "series"}


def test_a_setting_reads_in_english_when_printed_and_in_spanish_on_a_page():
    [epochs] = [p for p in declared(FitSpec) if p.name == "epochs"]
    assert (str(epochs.label), str(epochs.help)) == ("Epochs", "Passes over the training data.")
    assert Words.load("es").say(epochs.label) == "Épocas"
    assert isinstance(LAYER_TYPES["Dense"].help, Phrase)
    assert str(LAYER_TYPES["Dense"].help) == "Every input connects to every neuron."


def test_one_name_meaning_two_things_has_two_helps():
    """A Dense layer's units are neurons; an LSTM's, the size of its memory."""
    dense = LAYER_TYPES["Dense"].params[0]
    lstm = LAYER_TYPES["LSTM"].params[0]
    assert dense.name == lstm.name == "units"
    assert str(dense.help) != str(lstm.help)
    assert str(dense.label) == str(lstm.label) == "Units"


def test_settings_of_one_table_say_the_same_thing():
    """Two Params that share a table are the same setting (fill_mode in a layer and in
    the augmentation settings): their defaults and kinds agree."""
    by_table: dict[str, Param] = {}
    for p in every_param():
        other = by_table.setdefault(p.words, p)
        assert (other.name, other.type) == (p.name, p.type), p.words

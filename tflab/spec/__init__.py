"""Experiment specs: frozen, validated settings that describe one run completely.

Example:

>>> from tflab.spec import FitSpec
>>> FitSpec(epochs=5).epochs
5
"""

from tflab.params import Param, SpecError, declared
from tflab.spec.augmentation import AugmentationSpec
from tflab.spec.data import DataSpec
from tflab.spec.experiment import ExperimentSpec
from tflab.spec.layers import ACTIVATIONS, LAYER_TYPES, LayerSpec, LayerType, output_shape
from tflab.spec.model import (BASE_MODELS, DEFAULT_CUT, MAX_LAYERS, MAX_PARAMETERS, RUN_BASE,
                              BaseSpec, ModelSpec)
from tflab.spec.training import (CLASSIFICATION_LOSSES, METRICS, OPTIMIZERS, REGRESSION_LOSSES,
                                 CompileSpec, FitSpec)

__all__ = [
    "ACTIVATIONS", "AugmentationSpec", "BASE_MODELS", "BaseSpec", "CLASSIFICATION_LOSSES",
    "CompileSpec", "DEFAULT_CUT", "RUN_BASE", "DataSpec", "ExperimentSpec", "FitSpec", "LAYER_TYPES",
    "LayerSpec", "LayerType", "MAX_LAYERS", "MAX_PARAMETERS", "METRICS", "ModelSpec", "OPTIMIZERS", "Param", "REGRESSION_LOSSES",
    "SpecError", "declared", "output_shape",
]

"""The notes' image augmentation settings, as Keras preprocessing layers.

The notes call ImageDataGenerator with rescale=1./255, rotation_range=40, ..., gone from
Keras 3. The same settings become layers at the front of the model: Random* layers
change images only while training and pass them through untouched at prediction,
and `rescale` becomes a Rescaling layer, so prediction scales exactly as training did.

Example:

>>> aug = AugmentationSpec(rescale=1/255, rotation_range=40, horizontal_flip=True)
>>> [layer.type for layer in aug.layers()]
['Rescaling', 'RandomRotation', 'RandomFlip']
"""

from __future__ import annotations

from dataclasses import dataclass

from tflab.params import check_declared, param
from tflab.spec.layers import FILL_MODES, LayerSpec


@dataclass(frozen=True)
class AugmentationSpec:
    """Settings named as in the notes' ImageDataGenerator call; their words, `setting.<name>`."""

    rescale: float = param(1.0, low=0.0, low_open=True, high=1.0, step=0.001)
    rotation_range: float = param(0.0, low=0.0, high=180.0, step=1.0)
    width_shift_range: float = param(0.0, low=0.0, high=0.9, step=0.05)
    height_shift_range: float = param(0.0, low=0.0, high=0.9, step=0.05)
    shear_range: float = param(0.0, low=0.0, high=1.0, step=0.05)
    zoom_range: float = param(0.0, low=0.0, high=0.9, step=0.05)
    horizontal_flip: bool = param(False)
    fill_mode: str = param("nearest", choices=FILL_MODES)

    def __post_init__(self):
        check_declared(self)

    @property
    def random(self) -> bool:
        """True when any setting changes images at random (rescale does not)."""
        return bool(self.rotation_range or self.width_shift_range or self.height_shift_range
                    or self.shear_range or self.zoom_range or self.horizontal_flip)

    @property
    def active(self) -> bool:
        return self.random or self.rescale != 1.0

    def layers(self) -> list[LayerSpec]:
        """The layers these settings stand for, in the order they are applied."""
        fill = {"fill_mode": self.fill_mode}
        layers = []
        if self.rescale != 1.0:
            layers.append(LayerSpec("Rescaling", {"scale": self.rescale}))
        if self.rotation_range:
            layers.append(LayerSpec("RandomRotation", {"factor": self.rotation_range / 360, **fill}))
        if self.width_shift_range or self.height_shift_range:
            layers.append(LayerSpec("RandomTranslation", {"height_factor": self.height_shift_range,
                                                          "width_factor": self.width_shift_range, **fill}))
        if self.shear_range:
            layers.append(LayerSpec("RandomShear", {"x_factor": self.shear_range, **fill}))
        if self.zoom_range:
            layers.append(LayerSpec("RandomZoom", {"height_factor": self.zoom_range, **fill}))
        if self.horizontal_flip:
            layers.append(LayerSpec("RandomFlip", {"mode": "horizontal"}))
        return layers

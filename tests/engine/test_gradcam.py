"""Where the model looked: Grad-CAM and saliency maps (tflab.gradcam), and their overlay
(tflab.heat_overlay)."""

import keras
import numpy as np
import pytest

from tflab.data import load_dataset
from tflab.gradcam import heat_map, method
from tflab.heat_overlay import overlay
from tflab.recipes import get_recipe
from tflab.models import load_model
from tflab.saving import inference_model, save_model
from tflab.stream import ListSink
from tflab.train import train

# Augmentation off: the recipe's augmented model needs its 40 epochs (80 s here) to learn;
# without it 12 epochs reach about 90% on validation in about 13 s (8 epochs: 77%).
NO_AUGMENTATION = {"rotation_range": 0.0, "width_shift_range": 0.0, "height_shift_range": 0.0,
                   "shear_range": 0.0, "zoom_range": 0.0, "horizontal_flip": False}


def tiny_cnn(units=3, activation="softmax"):
    keras.utils.set_random_seed(0)
    return keras.Sequential([keras.Input((20, 24, 3)), keras.layers.Rescaling(1 / 255),
                             keras.layers.Conv2D(4, 3, activation="relu"),
                             keras.layers.MaxPooling2D(2), keras.layers.Flatten(),
                             keras.layers.Dense(units, activation=activation)])


def tiny_dense(units=10):
    keras.utils.set_random_seed(0)
    return keras.Sequential([keras.Input((12, 12, 1)), keras.layers.Rescaling(1 / 255),
                             keras.layers.Flatten(), keras.layers.Dense(16, activation="relu"),
                             keras.layers.Dense(units, activation="softmax")])


def picture(shape, seed=0):
    return np.random.default_rng(seed).uniform(0, 255, shape).astype("float32")


@pytest.mark.parametrize("class_index", [None, 0, 2])
def test_a_conv_model_gets_grad_cam_of_the_pictures_size_from_0_to_1(class_index):
    model = tiny_cnn()
    heat = heat_map(model, picture((20, 24, 3)), class_index)
    assert method(model).kind == "grad_cam" and method(model).layer == model.layers[1].name
    assert heat.shape == (20, 24) and heat.dtype == np.float32
    assert heat.min() >= 0.0 and (heat.max() == pytest.approx(1.0) or heat.max() == 0.0)


def test_a_single_sigmoid_unit_explains_either_class():
    model = tiny_cnn(1, "sigmoid")
    image = picture((20, 24, 3))
    for class_index in (None, 0, 1):
        heat = heat_map(model, image, class_index)
        assert heat.shape == (20, 24) and 0.0 <= heat.min() <= heat.max() <= 1.0


def test_a_dense_model_gets_a_saliency_map():
    model = tiny_dense()
    heat = heat_map(model, picture((12, 12, 1)))
    assert method(model).kind == "saliency" and "no convolution" in method(model).note
    assert heat.shape == (12, 12) and heat.max() == pytest.approx(1.0) and heat.min() >= 0.0


def test_a_flat_map_is_all_zeros():
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((6, 6, 1)), keras.layers.Conv2D(2, 3),
                              keras.layers.Flatten(), keras.layers.Dense(2)])
    for layer in model.layers:
        layer.set_weights([np.zeros_like(w) for w in layer.get_weights()])
    assert not heat_map(model, picture((6, 6, 1))).any()


def test_a_conv_inside_a_nested_model_is_found():
    """A transfer model: the base is a model inside the model, called in inference mode."""
    keras.utils.set_random_seed(0)
    base_input = keras.Input((16, 16, 3))
    base = keras.Model(base_input, keras.layers.Conv2D(8, 3, name="base_conv")(base_input),
                       name="base")
    inputs = keras.Input((16, 16, 3), name="input")
    x = base(keras.layers.Rescaling(1 / 255)(inputs), training=False)
    x = keras.layers.Dense(2, activation="softmax")(keras.layers.Flatten()(x))
    model = keras.Model(inputs, x)
    assert method(model).layer == "base_conv"
    assert heat_map(model, picture((16, 16, 3))).shape == (16, 16)


def test_wrong_arguments_are_named_with_what_was_received():
    model = tiny_cnn()
    with pytest.raises(ValueError, match=r"`image`.*\(20, 24, 3\).*image.shape=\(24, 20, 3\)"):
        heat_map(model, picture((24, 20, 3)))
    with pytest.raises(ValueError, match=r"`class_index`.*0 to 2.*class_index=3"):
        heat_map(model, picture((20, 24, 3)), 3)
    with pytest.raises(ValueError, match=r"`class_index`.*0 to 1.*class_index=2"):
        heat_map(tiny_cnn(1, "sigmoid"), picture((20, 24, 3)), 2)
    with pytest.raises(ValueError, match=r"`model`.*keras.Model.*str"):
        heat_map("model.keras", picture((20, 24, 3)))
    with pytest.raises(ValueError, match=r"`picture_uint8`.*uint8.*float32"):
        overlay(picture((4, 4, 3)), np.zeros((4, 4)))
    with pytest.raises(ValueError, match=r"`heat`.*0 to 1.*values 0 to 2"):
        overlay(np.zeros((4, 4, 3), np.uint8), np.array([[0.0, 2.0]]))


@pytest.mark.parametrize("shape", [(30, 40), (30, 40, 1), (30, 40, 3)])
def test_overlay_is_rgb_of_the_pictures_size(shape):
    shown = overlay(np.full(shape, 90, np.uint8), np.linspace(0, 1, 12).reshape(3, 4))
    assert shown.shape == (30, 40, 3) and shown.dtype == np.uint8
    assert shown[0, 0, 2] > shown[0, 0, 0] and shown[-1, -1, 0] > shown[-1, -1, 2]  # blue to red


def shape_mask(image, grow=3):
    """The drawn shape's pixels, `grow` pixels wider: those far in colour from the border's
    median (the generator puts foreground 150 or more away, the background varies by about
    40), so the mask is taken from the picture itself."""
    border = np.concatenate([image[0], image[-1], image[:, 0], image[:, -1]])
    mask = np.linalg.norm(image - np.median(border, axis=0), axis=-1) > 75
    for _ in range(grow):
        wider = mask.copy()
        wider[1:] |= mask[:-1]
        wider[:-1] |= mask[1:]
        wider[:, 1:] |= mask[:, :-1]
        wider[:, :-1] |= mask[:, 1:]
        mask = wider
    return mask


@pytest.fixture(scope="session")
def shapes_cnn():
    """The CNN recipe's model trained on its drawn circles and triangles, and their data."""
    spec = get_recipe("cnn").spec.with_setting("fit.epochs", 12)
    for name, value in NO_AUGMENTATION.items():
        spec = spec.with_setting(f"augmentation.{name}", value)
    result = train(spec, ListSink())
    assert result.status == "completed", result.message
    data = load_dataset(spec.data.dataset, dict(spec.data.options), spec.data.validation_split,
                        spec.seed)
    return inference_model(result.model), data


def test_grad_cam_on_the_cnn_recipe_lies_on_the_drawn_triangle(shapes_cnn):
    """Measured: 0.56 to 0.76 of the heat on each of 10 triangles (mask 20% of the picture).

    The model's one sigmoid unit says "triangle"; a circle is its absence, and the map for
    the circle class is empty on most circles (zero weighted features anywhere), so the
    triangle class is the one asked for.
    """
    model, data = shapes_cnn
    triangles = data.x_val[data.y_val.ravel() == 1][:10]
    inside = []
    for image in triangles:
        heat = heat_map(model, image, class_index=1)
        assert heat.shape == (64, 64)
        inside.append(heat[shape_mask(image)].sum() / heat.sum())
    assert sum(share > 0.5 for share in inside) >= 8, np.round(inside, 2)


def test_the_kept_model_loaded_from_its_file_gives_the_same_map(shapes_cnn, tmp_path):
    """The model in memory shares its layers with the one trained with augmentation; the
    kept file, as Predict loads it, has a graph of its own."""
    model, data = shapes_cnn
    save_model(model, tmp_path / "model.keras")
    loaded = load_model(tmp_path / "model.keras")
    assert method(loaded) == method(model)
    np.testing.assert_allclose(heat_map(loaded, data.x_val[0]), heat_map(model, data.x_val[0]),
                               atol=1e-5)

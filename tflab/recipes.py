"""The notes' recipes as ready experiments, each with what it teaches.

Each recipe is faithful to the code of one section of the course notes, written in
today's Keras (Keras 3), and ready to train offline.

Example:

>>> recipe = get_recipe("linear")
>>> recipe.spec.fit.epochs
500
>>> [r.name for r in RECIPES][:3]
['linear', 'deep_regression', 'binary_points']
"""

from __future__ import annotations

from dataclasses import dataclass

from tflab.spec import (AugmentationSpec, BaseSpec, CompileSpec, DataSpec, ExperimentSpec, FitSpec,
                        LayerSpec, ModelSpec, SpecError)
from tflab.words import Phrase


@dataclass(frozen=True)
class Recipe:
    """One section of the notes as an experiment.

    Args:
        name: key used on the command line and in URLs.
        title: short name for people.
        section: the notes' section it comes from (in Spanish, as in the notes).
        teaches: what it shows, in a few sentences.
        code: the notes' code for this section, in today's Keras.
        spec: the ready experiment.
        samples: example inputs for numeric recipes (predicted after training).
    """

    name: str
    title: str
    section: str
    teaches: str
    code: str
    spec: ExperimentSpec
    samples: tuple = ()


def _layers(*layers: tuple) -> tuple[LayerSpec, ...]:
    return tuple(LayerSpec(kind, args) for kind, args in layers)


def _spec(name: str, **parts) -> ExperimentSpec:
    return ExperimentSpec(recipe=name, **parts)


# The notes' ImageDataGenerator values, also what the coach offers against overfitting (tflab.coach).
NOTES_AUGMENTATION = AugmentationSpec(rescale=1 / 255, rotation_range=40, width_shift_range=0.2,
                                      height_shift_range=0.2, shear_range=0.2, zoom_range=0.2,
                                      horizontal_flip=True, fill_mode="nearest")

RECIPES: tuple[Recipe, ...] = (
    Recipe(
        "linear", "Linear regression: y = 2x - 1",
        "Construir, compilar y entrenar modelos de ML / Predecir resultados",
        "One neuron learns a straight line from six points. After 500 epochs of plain "
        "gradient descent its weight is close to 2 and its bias close to -1, so it predicts "
        "about 19 for x = 10: close to, but never exactly, what the formula gives.",
        """model = keras.Sequential([keras.Input(shape=(1,)), keras.layers.Dense(units=1)])
model.compile(optimizer="sgd", loss="mean_squared_error")
xs = np.array([-1.0, 0.0, 1.0, 2.0, 3.0, 4.0])
ys = np.array([-3.0, -1.0, 1.0, 3.0, 5.0, 7.0])
model.fit(xs, ys, epochs=500)
model.predict(np.array([10.0]))  # about 19""",
        _spec("linear",
              data=DataSpec("line", {}, validation_split=0.0),
              model=ModelSpec((1,), _layers(("Dense", {"units": 1}))),
              compile=CompileSpec("sgd", 0.01, "mean_squared_error"),
              fit=FitSpec(epochs=500, batch_size=32)),
        samples=(10.0,),
    ),
    Recipe(
        "deep_regression", "Deep regression: a curve",
        "Construir modelo secuencial con multiples capas",
        "Stacked Dense(64), Dense(32), Dense(1) layers fit a noisy sine wave. The notes' "
        "layers have no activation, and a stack of linear layers is still one straight line: "
        "the hidden layers here use relu so the network can bend.",
        """model = keras.Sequential([
    keras.Input(shape=(1,)),
    keras.layers.Dense(64, activation="relu"),
    keras.layers.Dense(32, activation="relu"),
    keras.layers.Dense(1),
])
model.compile(optimizer="adam", loss="mean_squared_error", metrics=["mae"])""",
        _spec("deep_regression",
              data=DataSpec("sine", {"samples": 500, "noise": 0.1}, validation_split=0.2),
              model=ModelSpec((1,), _layers(("Dense", {"units": 64, "activation": "relu"}),
                                            ("Dense", {"units": 32, "activation": "relu"}),
                                            ("Dense", {"units": 1}))),
              compile=CompileSpec("adam", 0.01, "mean_squared_error", ("mae",)),
              fit=FitSpec(epochs=100, batch_size=32)),
        samples=(-2.0, 0.0, 1.5),
    ),
    Recipe(
        "binary_points", "Binary classification: two classes of points",
        "Construir modelo de clasificacion binaria",
        "A small network separates two classes of 2-D points (circles, XOR, moons, two "
        "gaussians or a spiral, as in TensorFlow Playground). A binary model ends in ONE "
        "sigmoid unit: its output is the probability of the second class. The notes end with "
        "Dense(10, sigmoid), which would give ten unrelated probabilities for one yes/no answer. "
        "The hidden layers use relu, as the notes' do; two layers of 32 units bend the boundary "
        "enough for every pattern, the spiral included, in 200 epochs. Make them 8 tanh units "
        "and the spiral stays near a coin toss (about 60%) with a flat loss: too few units to "
        "draw two arms.",
        """model = keras.Sequential([
    keras.Input(shape=(2,)),
    keras.layers.Dense(32, activation="relu"),
    keras.layers.Dense(32, activation="relu"),
    keras.layers.Dense(1, activation="sigmoid"),  # one unit, not the notes' 10
])
model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.005),
              loss="binary_crossentropy", metrics=["accuracy"])
model.fit(x, y, epochs=200, validation_split=0.2)""",
        _spec("binary_points",
              data=DataSpec("points", {"pattern": "circles", "samples": 500, "noise": 0.1},
                            validation_split=0.2),
              model=ModelSpec((2,), _layers(("Dense", {"units": 32, "activation": "relu"}),
                                            ("Dense", {"units": 32, "activation": "relu"}),
                                            ("Dense", {"units": 1, "activation": "sigmoid"}))),
              compile=CompileSpec("adam", 0.005, "binary_crossentropy", ("accuracy",)),
              fit=FitSpec(epochs=200, batch_size=32)),
    ),
    Recipe(
        "binary_images", "Binary classification: two digits",
        "Construir modelo de clasificacion binaria",
        "The notes' binary network on 28x28 images: tell a handwritten 3 from an 8. It ends in "
        "one sigmoid unit with binary cross-entropy (the notes' Dense(10, sigmoid) is a slip: "
        "a yes/no answer needs one probability, not ten).",
        """model = keras.Sequential([
    keras.Input(shape=(28, 28, 1)),
    keras.layers.Rescaling(1 / 255),
    keras.layers.Flatten(),
    keras.layers.Dense(128, activation="relu"),
    keras.layers.Dense(1, activation="sigmoid"),
])
model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])""",
        _spec("binary_images",
              data=DataSpec("digit_pair", {"first": 3, "second": 8}, validation_split=0.2),
              model=ModelSpec((28, 28, 1), _layers(("Flatten", {}),
                                                   ("Dense", {"units": 128, "activation": "relu"}),
                                                   ("Dense", {"units": 1, "activation": "sigmoid"}))),
              compile=CompileSpec("adam", 0.001, "binary_crossentropy", ("accuracy",)),
              fit=FitSpec(epochs=10, batch_size=32),
              augmentation=AugmentationSpec(rescale=1 / 255)),
    ),
    Recipe(
        "multiclass", "Multi-class: handwritten digits",
        "Construir modelo de clasificacion multi clase",
        "Ten classes need ten outputs: the last layer is Dense(10, softmax), one probability "
        "per digit, summing to 1. Trains on real handwritten digits that ship with "
        "scikit-learn (MNIST and Fashion-MNIST are options when downloadable).",
        """model = keras.Sequential([
    keras.Input(shape=(28, 28, 1)),
    keras.layers.Rescaling(1 / 255),
    keras.layers.Flatten(),
    keras.layers.Dense(128, activation="relu"),
    keras.layers.Dense(10, activation="softmax"),
])
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])""",
        _spec("multiclass",
              data=DataSpec("digits", {}, validation_split=0.2),
              model=ModelSpec((28, 28, 1), _layers(("Flatten", {}),
                                                   ("Dense", {"units": 128, "activation": "relu"}),
                                                   ("Dense", {"units": 10, "activation": "softmax"}))),
              compile=CompileSpec("adam", 0.001, "sparse_categorical_crossentropy", ("accuracy",)),
              fit=FitSpec(epochs=10, batch_size=32),
              augmentation=AugmentationSpec(rescale=1 / 255)),
    ),
    Recipe(
        "cnn", "CNN with dropout and augmentation",
        "Evitando el overfitting: augmentation y dropout",
        "Convolutions find local patterns in 64x64 colour pictures of circles and triangles "
        "of any colour, size, place and angle. Dropout switches off half the features at each "
        "step, and augmentation (the notes' values) rotates, shifts, shears, zooms and flips "
        "every training picture, so the network cannot memorise the training set: watch the "
        "validation accuracy run above the training accuracy. The notes' photos are 150x150; "
        "these are 64x64, so an epoch takes a sixth of the time and four convolution blocks "
        "see whole shapes (the notes show one block). Pixels go from 0..255 to -1..1: inputs "
        "centred on zero leave the flat start of the curves about ten epochs sooner. Keras 3 "
        "augments with layers (RandomRotation, ...) in place of ImageDataGenerator; they "
        "change pictures only while training.",
        """model = keras.Sequential([
    keras.Input(shape=(64, 64, 3)),
    keras.layers.Rescaling(1 / 255),                 # the notes: rescale=1./255,
    keras.layers.RandomRotation(40 / 360),           #   rotation_range=40,
    keras.layers.RandomTranslation(0.2, 0.2),        #   width/height_shift_range=0.2,
    keras.layers.RandomShear(0.2),                   #   shear_range=0.2,
    keras.layers.RandomZoom(0.2),                    #   zoom_range=0.2,
    keras.layers.RandomFlip("horizontal"),           #   horizontal_flip=True)
    keras.layers.Rescaling(2, offset=-1),            # 0..1 to -1..1: centred on zero
    keras.layers.Conv2D(16, (3, 3), activation="relu"),
    keras.layers.MaxPooling2D(2, 2),
    keras.layers.Conv2D(32, (3, 3), activation="relu"),
    keras.layers.MaxPooling2D(2, 2),
    keras.layers.Conv2D(64, (3, 3), activation="relu"),
    keras.layers.MaxPooling2D(2, 2),
    keras.layers.Conv2D(64, (3, 3), activation="relu"),
    keras.layers.MaxPooling2D(2, 2),
    keras.layers.Dropout(0.5),                       # the notes' dropout layer
    keras.layers.Flatten(),
    keras.layers.Dense(512, activation="relu"),
    keras.layers.Dense(1, activation="sigmoid"),
])
model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])""",
        _spec("cnn",
              data=DataSpec("shapes", {"classes": "circle,triangle", "samples_per_class": 500,
                                       "image_size": 64}, validation_split=0.2),
              model=ModelSpec((64, 64, 3), _layers(
                  ("Rescaling", {"scale": 2.0, "offset": -1.0}),
                  ("Conv2D", {"filters": 16, "kernel_size": 3, "activation": "relu"}),
                  ("MaxPooling2D", {"pool_size": 2}),
                  ("Conv2D", {"filters": 32, "kernel_size": 3, "activation": "relu"}),
                  ("MaxPooling2D", {"pool_size": 2}),
                  ("Conv2D", {"filters": 64, "kernel_size": 3, "activation": "relu"}),
                  ("MaxPooling2D", {"pool_size": 2}),
                  ("Conv2D", {"filters": 64, "kernel_size": 3, "activation": "relu"}),
                  ("MaxPooling2D", {"pool_size": 2}),
                  ("Dropout", {"rate": 0.5}),
                  ("Flatten", {}),
                  ("Dense", {"units": 512, "activation": "relu"}),
                  ("Dense", {"units": 1, "activation": "sigmoid"}))),
              compile=CompileSpec("adam", 0.001, "binary_crossentropy", ("accuracy",)),
              fit=FitSpec(epochs=40, batch_size=32),
              augmentation=NOTES_AUGMENTATION),
    ),
    Recipe(
        "transfer", "Transfer learning from InceptionV3",
        "Modelos pre entrenados (transfer learning)",
        "Reuse a network trained on millions of images: InceptionV3 up to its layer mixed7, "
        "frozen, with a new head that learns your classes. In Build's Layers tab, upload "
        "InceptionV3 weights (.h5, as in the notes) or pick ImageNet weights from the Keras "
        "cache; with neither the base is random and only shows the mechanics. Keras 3 renames RMSprop's lr argument of the notes to "
        "learning_rate, and layer.output_shape is now layer.output.shape.",
        """base = keras.applications.InceptionV3(input_shape=(150, 150, 3), include_top=False,
                                      weights=None)
base.load_weights("inception_v3_weights.h5")
for layer in base.layers:
    layer.trainable = False
last_output = base.get_layer("mixed7").output
print("last layer output shape:", last_output.shape)
x = keras.layers.Flatten()(last_output)
x = keras.layers.Dense(1024, activation="relu")(x)
x = keras.layers.Dropout(0.2)(x)
x = keras.layers.Dense(1, activation="sigmoid")(x)
model = keras.Model(base.input, x)
model.compile(optimizer=keras.optimizers.RMSprop(learning_rate=0.0001),
              loss="binary_crossentropy", metrics=["accuracy"])""",
        _spec("transfer",
              data=DataSpec("shapes", {"classes": "circle,triangle", "samples_per_class": 100,
                                       "image_size": 150}, validation_split=0.2),
              model=ModelSpec((150, 150, 3), _layers(
                  ("Flatten", {}),
                  ("Dense", {"units": 1024, "activation": "relu"}),
                  ("Dropout", {"rate": 0.2}),
                  ("Dense", {"units": 1, "activation": "sigmoid"})),
                  base=BaseSpec("InceptionV3", "", "mixed7", 0)),
              compile=CompileSpec("rmsprop", 0.0001, "binary_crossentropy", ("accuracy",)),
              fit=FitSpec(epochs=5, batch_size=32),
              augmentation=AugmentationSpec(rescale=1 / 255)),
    ),
    Recipe(
        "time_series", "Time series: Conv1D + LSTM",
        "Verificar la forma de los inputs",
        "A causal convolution and two LSTMs forecast the next value at every step of a "
        "30-step window of a seasonal series. The input shape is [None, 1]: any number of "
        "steps, one value each (the data's shape without the batch axis). The notes scale "
        "the output by 400 with a Python lambda, which a saved model cannot load safely; a "
        "Rescaling(400) layer does the same and saves cleanly.",
        """model = keras.Sequential([
    keras.Input(shape=(None, 1)),
    keras.layers.Conv1D(filters=32, kernel_size=5, strides=1, padding="causal",
                        activation="relu"),
    keras.layers.LSTM(64, return_sequences=True),
    keras.layers.LSTM(64, return_sequences=True),
    keras.layers.Dense(30, activation="relu"),
    keras.layers.Dense(10, activation="relu"),
    keras.layers.Dense(1),
    keras.layers.Rescaling(400),  # the notes' Lambda(lambda x: x * 400)
])""",
        _spec("time_series",
              data=DataSpec("series", {"window": 30}, validation_split=0.2),
              model=ModelSpec((None, 1), _layers(
                  ("Conv1D", {"filters": 32, "kernel_size": 5, "strides": 1, "padding": "causal",
                              "activation": "relu"}),
                  ("LSTM", {"units": 64, "return_sequences": True}),
                  ("LSTM", {"units": 64, "return_sequences": True}),
                  ("Dense", {"units": 30, "activation": "relu"}),
                  ("Dense", {"units": 10, "activation": "relu"}),
                  ("Dense", {"units": 1}),
                  ("Rescaling", {"scale": 400.0}))),
              compile=CompileSpec("adam", 0.001, "huber", ("mae",)),
              fit=FitSpec(epochs=20, batch_size=32)),
    ),
)


def get_recipe(name: str) -> Recipe:
    """The recipe called `name`; SpecError listing the recipes when there is none."""
    for recipe in RECIPES:
        if recipe.name == name:
            return recipe
    names = ", ".join(r.name for r in RECIPES)
    raise SpecError("recipe", name, Phrase("allowed.one_of", {"choices": names}))

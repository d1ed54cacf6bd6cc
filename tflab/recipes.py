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

    Its words for people (`title`, `teaches`) live in the catalogs under
    `recipes.<name>`, so a page says them in the reader's language; said without one
    (the command line) they read in English.

    Args:
        name: key used on the command line and in URLs.
        section: the notes' section it comes from (in Spanish, as in the notes).
        notes_heading: the notes' heading the quote comes from, verbatim.
        notes_quote: the notes' own prose that introduces the section, verbatim, one
            string per paragraph: shown as a quotation, in Spanish in every language.
        code: the notes' code for this section, in today's Keras.
        spec: the ready experiment.
        samples: example inputs for numeric recipes (predicted after training).
            Defaults to ().

    Example:

    >>> recipe = get_recipe("multiclass")
    >>> str(recipe.title), recipe.notes_heading
    ('Multi-class: handwritten digits', 'Construir modelo de clasificacion multi clase')
    """

    name: str
    section: str
    notes_heading: str
    notes_quote: tuple[str, ...]
    code: str
    spec: ExperimentSpec
    samples: tuple = ()

    @property
    def title(self) -> Phrase:
        """A short name for people (`str()` is the English)."""
        return Phrase(f"recipes.{self.name}.title")

    @property
    def teaches(self) -> Phrase:
        """What the recipe shows, in a few sentences (`str()` is the English)."""
        return Phrase(f"recipes.{self.name}.teaches")


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
        "linear",
        "Construir, compilar y entrenar modelos de ML usando TensorFlow / Predecir resultados",
        "Construir, compilar y entrenar modelos de ML usando TensorFlow",
        (
            "Para construir un modelo de ML para una regresión primero crearemos "
            "nuestros datos.",
            "La solucion algebraica para los datos anteriores seria `y=2x-1`.",
            "Ahora para crear un modelo que resuelva estos datos creamos una red simple y "
            "compilamos.",
        ),
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
        "deep_regression",
        "Construir modelo secuencial con multiples capas",
        "Construir modelo secuencial con multiples capas",
        (
            "El modelo secuencial se define con `Sequential` y la primera capa debe siempre "
            "llevar el `input_shape`.",
        ),
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
        "binary_points",
        "Construir modelo de clasificacion binaria",
        "Construir modelo de clasificacion binaria",
        (
            "El hecho de generar un modelo para clasificacion binaria implica que solo "
            "tendremos 2 valores de salida, por lo que el metodo de activacion por "
            "excelencia es el sigmoide.",
        ),
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
        "binary_images",
        "Construir modelo de clasificacion binaria",
        "Construir modelo de clasificacion binaria",
        (
            "El hecho de generar un modelo para clasificacion binaria implica que solo "
            "tendremos 2 valores de salida, por lo que el metodo de activacion por "
            "excelencia es el sigmoide.",
        ),
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
        "multiclass",
        "Construir modelo de clasificacion multi clase",
        "Construir modelo de clasificacion multi clase",
        (
            "Para la clasificacion de multiclase cambiamos la activacion de la ultima capa "
            "por `softmax`.",
        ),
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
        "cnn",
        "Evitando el overfitting: augmentation y dropout",
        "Evitando el overfitting",
        (
            "Esta tecnica tiene principal uso en las imagenes, y consiste en que una misma "
            "imagen tome varias formas al pasar por el entrenamiento. Por lo general se "
            "utilisa `ImageDataGenerator` para esta técnica.",
            "Esta es una capa en el modelo que tiene como objetivo no activar ciertos nodos "
            "al momento de la optimización.",
        ),
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
        "transfer",
        "Modelos pre entrenados (transfer learning)",
        "Modelos pre entrenados (transfer learning)",
        (
            "Existe la posibilidad de tranferir el conocimiento de un modelo pre-entrenado a "
            "nuestro modelo. Primero debemos cargar nuestro modelo, en este caso InceptionV3 "
            "desde TensorFlow, y los pesos los cargaremos desde un archivo.",
        ),
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
        "time_series",
        "Verificar la forma de los inputs",
        "Verificar la forma de los inputs",
        (
            "Los input de datos siempre seran de la dimension de nuestro X_train sin contar "
            "la coordenada batch.",
            "En este caso el input necesario seria `[None, 1]`.",
        ),
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

"""TF Lab's engine: the notes' experiments as specs, trained live into a run store.

Importing `tflab` is cheap: TensorFlow loads only with the modules that train, build or
predict (`tflab.train`, `tflab.build`, `tflab.predict`), so a page that lists recipes or
runs renders without it. The engine never imports Streamlit.

Example:

>>> from tflab.recipes import get_recipe
>>> get_recipe("linear").spec.compile.optimizer
'sgd'
"""

__version__ = "0.1.0"

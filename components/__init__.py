"""UI pieces of the dashboard: `*_ui()` widgets and pure figure builders.

The pure figure builders turn plain data into Plotly figures and import neither Streamlit
nor TensorFlow: `curves` (a run's history), `data_figures` (points, a grid of
probabilities, a series), `class_charts` (a confusion matrix, a prediction's top classes),
`sweep_figures` (a sweep), all in the look of `chart_style`.
"""

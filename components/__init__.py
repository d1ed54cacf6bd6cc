"""UI pieces of the dashboard: `*_ui()` widgets and pure figure builders.

`components.figures` turns plain data (a run's history, a grid of probabilities, a
confusion matrix) into Plotly figures; it imports neither Streamlit nor TensorFlow.
"""

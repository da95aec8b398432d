"""Pure functions from engine results to Plotly figures. No Streamlit here.

Pages call `from ui import charts` and then `charts.init.<fig>(...)`, `charts.layers.<fig>(...)`,
`charts.race.<fig>(...)`; shared styling is in `charts.common`.
"""
from ui.charts import common, init, layers, race  # noqa: F401

"""Glue between the engine and the pages: charts (pure Plotly) and controls (Streamlit widgets)."""

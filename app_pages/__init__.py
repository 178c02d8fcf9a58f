"""Thin Streamlit pages; app.py routes to them. Shared helpers: _data (the only data access), _ui (widgets)."""

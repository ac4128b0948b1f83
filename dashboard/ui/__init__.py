"""Streamlit-side helpers shared by the pages: filters, data accessors, theme, exports, highlighting."""

"""项目档案 page (placeholder until built)."""

import streamlit as st

st.title("项目档案")

"""虚高识别 page (placeholder until built)."""

import streamlit as st

st.title("虚高识别")

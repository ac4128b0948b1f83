"""数据管理 page (placeholder until built)."""

import streamlit as st

st.title("数据管理")

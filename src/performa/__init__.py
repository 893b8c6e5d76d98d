"""Performa: the performance cycle of Italian Chambers of Commerce (plan, measure, evaluate)."""

__version__ = "0.1.0"

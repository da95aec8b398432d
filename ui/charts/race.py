"""Figures for the race page(s)."""

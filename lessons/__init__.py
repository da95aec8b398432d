"""One folder per lesson: settings.py (what it asks), compute.py (what it computes, cached), figures.py (what it
draws, pure Plotly) and text.py (what it says). lessons/network/ holds the deep-net settings shared by every
lesson that builds a network."""

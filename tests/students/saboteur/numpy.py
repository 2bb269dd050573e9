"""Submitted next to the notebooks: it would shadow NumPy for any process started in that folder."""
raise ImportError("a student's numpy.py was imported")

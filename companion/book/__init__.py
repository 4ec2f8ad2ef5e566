"""The book layer: Sphinx extensions, the build entry point, editions and publishing.

It may import the analysis layer (:mod:`companion` and its modules); nothing in the
analysis layer imports this subpackage, Sphinx or docutils (tests/test_layers.py).
"""

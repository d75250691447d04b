"""Forewarn: atrocity-crime early warning, assessment, response planning and documentation."""

__version__ = "0.1.0"

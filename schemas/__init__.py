"""Schemas: one pandera DataFrameModel per sheet kind, the closed value lists and the submission kinds."""

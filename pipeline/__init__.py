"""ASUPK: the annual cycle of teachers' continuing professional development, as a data pipeline."""

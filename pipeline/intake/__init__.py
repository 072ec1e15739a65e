"""Intake: every submission read, authorised, validated and answered in Russian."""

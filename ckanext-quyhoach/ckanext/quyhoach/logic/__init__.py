"""Validators, actions, auth functions, schema rules and template helpers."""

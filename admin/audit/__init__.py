"""The record of staff actions."""

"""The figures pages, their downloads and the targets."""

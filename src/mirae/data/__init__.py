"""Small, openly licensed sample data shipped with mirae (see README.md here)."""

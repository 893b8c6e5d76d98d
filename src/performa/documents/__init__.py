"""The documents the law asks for, from the data: one model per document, several renderers."""

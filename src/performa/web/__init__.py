"""Server-rendered pages of Performa."""

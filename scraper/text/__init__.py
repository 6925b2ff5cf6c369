"""Text: bytes to text (BOMs, charsets, detection), HTML-or-text sniffing, line
normalisation and shape, dates, bylines and the script a text is written in."""

"""The text cleaner: line classes, repetition across a site's pages, the body search, the
headline, and the record assembled from them (`clean_text`)."""

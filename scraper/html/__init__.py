"""HTML pages: visible text, chrome pruning, metadata, the generic main-text path and the
`extract_html` pipeline that ties them to the rules."""

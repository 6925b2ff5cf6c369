"""The line layer, under both the HTML extractor and the text cleaner: what the rules say
of a line (`classify`), the line model's features (`features`), lines and blocks that
recur over a site's pages (`repeats`) and the heaviest-span search (`span`)."""

"""The execution engine and the record store: worker processes with a per-page time limit
(`pool`), the record files and their index (`store`), and the lock one run holds on an
output folder or a crawl state (`lock`)."""

"""One search across the Commission's records, filtered by who may see what."""

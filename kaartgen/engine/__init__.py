"""The API every front end calls: load an edition once, render packs, batches, guides; read answers; lint."""

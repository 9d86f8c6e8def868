"""Front ends: thin commands that parse options, call the engine and report; no layout or drawing."""

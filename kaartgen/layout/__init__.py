"""Models to positioned items: typesetting, card sides, the letter, sheets; no PDF is written here."""

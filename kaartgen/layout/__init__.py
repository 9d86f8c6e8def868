"""Models to positioned items: typesetting, card sides, the letter, the calibration sheet and the
sheets they are imposed on. Nothing here draws or writes a PDF; fonts (kaartgen/fonts) only measure."""

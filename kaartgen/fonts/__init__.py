"""Fonts: the files the templates name (from Python packages), cut and completed with fontTools and
kept in a cache folder, registered with reportlab, and the fallback that draws what the primary face
lacks. Layout measures text with them and the PDF writer embeds them; both get them from here.

- files.py: which font file a template names, and every file a build uses;
- cache.py: made fonts kept in the user's cache folder, the same bytes on every machine;
- cut.py: cutting a variable font to a static instance and to scripts, completing a face with Ĳ;
- shared.py: a font whose first subset is the same in every document that shares it (a batch);
- registry.py: `Fonts`, the registry layout and rendering use: names, coverage, safe markup.
"""

from kaartgen.fonts.files import font_files
from kaartgen.fonts.registry import Fonts, escape

__all__ = ["Fonts", "escape", "font_files"]

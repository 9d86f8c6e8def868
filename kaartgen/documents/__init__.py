"""Flowing documents: the content model laid out by a flowing engine, not by kaartgen's own card
layout. The A4 documents (the professional's guide, the read summary, the print shop's job ticket)
are platypus stories that reportlab breaks into pages; the web-page pack is a Jinja2 template that
the browser lays out. Each takes models (a CardSet, a Theme, a summary's data) and returns bytes.
They share the one paragraph service (layout/typeset.py) and the PDF tagging (render/tags.py) with
the cards, so text is escaped, font fallback works and structure is tagged the same way.
"""

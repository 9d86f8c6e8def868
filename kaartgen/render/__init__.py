"""Positioned items to bytes: the cards' PDF pages (draw.py is the one code that draws a side), form
fields, tags, inserter marks, joined print runs, PNG previews, and files written whole or not at
all. The flowing documents (guide, summary, ticket, web page) are in documents/."""

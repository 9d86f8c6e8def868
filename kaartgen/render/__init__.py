"""Positioned items to bytes: PDF pages, form fields, insert marks, the web page, joined print runs."""

"""`kaartgen serve`: the web app for professionals and the mail room, a thin front end on the engine."""

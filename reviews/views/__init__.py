"""Views of the desk (queues, decisions), the letters, and the public verification page."""

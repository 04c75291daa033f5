"""HTTP: the JSON API, the event stream, the built-in receivers and the built guide."""

"""Handlers per resource area: parse nothing (the app did), call one service, shape the result."""

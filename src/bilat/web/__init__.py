"""The Django project: web pages and, later, the API and the coordination apps."""

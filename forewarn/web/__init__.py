"""The web app: FastAPI routes, server-rendered pages, each with a JSON twin."""

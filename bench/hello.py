"""The framework's ceiling: a bare Flask app that answers 'Hello, World!'.

Served by the same gunicorn settings as the platform, it shows what Flask and the
server cost on this machine before any of our code runs.
"""

from flask import Flask

app = Flask(__name__)


@app.get("/")
def hello() -> str:
    """Answer with the smallest page there is."""
    return "Hello, World!"

"""``glassnet draw``: draw on a local web page and watch a model decide, layer by layer.

server.py serves the page (static/, shipped in the package: no internet needed) and the JSON
API; api.py computes the answers with the same preprocessing as ``glassnet predict``;
classes.py names the classes; watch.py feeds ``glassnet train --watch``'s live curves.
Nothing here is imported by ``import glassnet``.
"""

from .api import BadRequest, Predictor
from .classes import class_names
from .server import make_server, serve_in_background, url_of
from .watch import LiveHistory, TrainingLog

__all__ = ["BadRequest", "LiveHistory", "Predictor", "TrainingLog", "class_names", "make_server",
           "serve_in_background", "url_of"]

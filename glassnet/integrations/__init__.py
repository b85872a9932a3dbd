"""Bridges to other libraries, each an optional extra imported only when its module is:
``glassnet.integrations.ray_tune`` (``pip install "glassnet[ray]"``) reports fit's epochs to Ray
Tune and checkpoints the model in glassnet's own file format."""

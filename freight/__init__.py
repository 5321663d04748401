"""Kuytun multimodal freight optimizer: network model, solvers and CLI.

The package is the domain and solver core. It imports no web or database code, so it
can be used and tested with no environment and no database.
"""

__version__ = "0.1.0"

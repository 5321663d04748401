"""Kuytun multimodal freight optimizer: network model, solvers and CLI.

The package is the domain and solver core. It imports no web or database code, so it
can be used and tested with no environment and no database.
"""

__version__ = "0.1.0"

#: The notebook API (pandas DataFrames), imported on first use so ``import freight`` stays light.
_NOTEBOOK = ("route_table", "network_tables", "assignment_tables", "conversion_tables")


def __getattr__(name: str) -> object:
    if name in _NOTEBOOK:
        from freight import notebook

        return getattr(notebook, name)
    raise AttributeError(f"module 'freight' has no attribute {name!r}")

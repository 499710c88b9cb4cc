"""The ``/v1`` routers, one per concern (as in OpenSanctions' yente)."""

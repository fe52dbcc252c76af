"""The Streamlit layer: the tick (``view``), the sidebar's readout (``readout``), the memory
hooks (``memory``), the app's settings (``settings``) and the sources it offers
(``catalog``, read from the operator's entries by ``catalog_entries``).

Nothing is imported here, so ``catalog``, ``catalog_entries`` and ``settings`` (the producer
uses the catalog too) load without Streamlit; ``view`` and ``memory`` import it.
"""

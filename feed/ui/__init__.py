"""The Streamlit layer: the tick (``view``), the sidebar's readout (``readout``), the memory
hooks (``memory``), the app's settings (``settings``) and the sources it offers
(``catalog``).

Nothing is imported here, so ``catalog`` and ``settings`` (which the producer uses too) load
without Streamlit; ``view`` and ``memory`` import it.
"""

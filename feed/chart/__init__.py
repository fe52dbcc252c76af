"""The window as a chart: M4 downsampling (``downsample``'s kernels on ``grid_m4``'s fixed
time grid), the datasets cut so most bytes stay the same tick to tick (``layers``), and the
Vega-Lite spec compiled once (``spec``)."""

from feed.chart.spec import compile_line_chart

__all__ = ["compile_line_chart"]

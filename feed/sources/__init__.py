"""Where samples come from: the ``Source`` interface, ``Batch``, and the sources feed ships.

``base`` holds the interface and the tutorial's synthetic source; ``system``, ``file`` and
``redis`` one source each (``file_lines`` turns a file's line into a sample,
``redis_entries`` is the stream's entry layout, shared with ``feed.produce``). Only
``base``'s names are imported here, so importing the package costs neither psutil nor redis.
"""

from feed.sources.base import (
    NS_PER_SECOND,
    Batch,
    Source,
    SyntheticSource,
    checked_names,
    is_integer,
)

__all__ = ["NS_PER_SECOND", "Batch", "Source", "SyntheticSource", "checked_names", "is_integer"]

__title__ = "cozekit"
__version__ = "0.1.0"

VERSION = __version__
"""cozepy's name for the version string."""

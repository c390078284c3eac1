__title__ = "cozekit"
__version__ = "0.1.0"

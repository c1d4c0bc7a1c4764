"""The version of newsarchive: a leaf module, so any module may import it without cycles."""

__version__ = "0.2.0"

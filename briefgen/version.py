"""The version of briefgen: below every module, so that none imports the package for it."""

__version__ = "0.1.0"

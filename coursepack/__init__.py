"""coursepack: teachers' YAML content to print-ready course packs and debate briefs."""

__version__ = "0.1.0"

"""handbook: project handbooks for a CRM consultancy's clients, as Material for MkDocs sites."""

__version__ = "0.1.0"

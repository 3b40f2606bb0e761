"""Enrichment: who said what. Pure functions from an article's parsed text to its entities,
quotations attributed to speakers, and figures; ``Enricher`` runs them over many articles."""

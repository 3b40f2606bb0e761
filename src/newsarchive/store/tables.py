"""The archive's stored tables, as both backends name them, in the order ``copy`` moves
them (parents before children) with the key each is streamed in.

The full-text index and the per-category listing table are derived from these and are
rebuilt by the receiving backend, never copied.
"""

from __future__ import annotations

COPIED_TABLES: tuple[tuple[str, str], ...] = (
    ("sources", "id"),
    ("source_chunks", "source_id, start"),
    ("articles", "num"),
    ("categories", "id"),
    ("article_categories", "article_num, category_id"),
    ("revisions", "article_num, number"),
    ("fetch_state", "url"),
    ("enrichments", "article_num"),
    ("entities", "id"),
    ("article_entities", "article_num, position"),
    ("quotes", "article_num, position"),
    ("figures", "article_num, position"),
    ("groupings", "article_num"),
    ("stories", "id"),
    ("topics", "id"),
    ("predicted_categories", "article_num, position"),
    ("state", "name"),
)

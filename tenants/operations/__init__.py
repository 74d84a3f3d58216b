"""Operations on structures for the people who run the platform (manage.py commands).

- ``schema_migrations``: find in one query the structures' schemas that are behind and
  migrate only those, in parallel (``manage.py migrate_fast``);
- ``backup``: one structure (schema, public rows, files) to one archive and back
  (``backup_structure`` / ``restore_structure``);
- ``export``: all the data of one structure, for portability (``export_structure``);
- ``deletion``: soft delete, then purge after a delay (``delete_structure``,
  ``purge_structures``);
- ``oplog``: every operation is logged (logger ``qualireseau.ops`` and ``var/ops/operations.jsonl``).

See docs/operations.md.
"""

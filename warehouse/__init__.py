"""The DuckDB warehouse: schema, migrations and every SQL statement the product runs."""

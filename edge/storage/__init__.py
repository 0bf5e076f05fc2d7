"""The till's SQLite database: schema migrations and the queries the services need."""

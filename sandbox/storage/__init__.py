"""SQLite storage: one file (or memory for tests), WAL mode, explicit transactions."""

"""State changes of a case, one function per thing a user does (atomic, with history and audit)."""

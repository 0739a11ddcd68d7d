"""The bundled Raft key-value store: Splitbrain's default target (see README.md here)."""

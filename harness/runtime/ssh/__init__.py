"""``--runtime ssh``: nodes are real hosts reached over SSH (paramiko), host keys verified."""

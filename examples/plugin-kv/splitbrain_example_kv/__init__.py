"""An example Splitbrain plugin: a tiny key-value server (``server``) and its target."""

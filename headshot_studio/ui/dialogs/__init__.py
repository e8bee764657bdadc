"""Dialogs: each asks or shows one thing and hands the answer to its page or the controller."""

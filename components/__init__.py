"""Custom Rasa NLU components of the assistant."""

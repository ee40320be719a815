"""Web server of the assistant: the chat page, its assets and (later) partner embedding."""

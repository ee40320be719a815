"""``python -m bot``: serve the chat page on BIND_HOST:WEB_PORT."""
from bot.server import main

main()

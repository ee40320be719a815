"""The reception staff console (``/accueil/``): accounts, the inbox of call-back requests, triage.

- ``models``: the console's tables; ``accounts``: passwords, sessions, rate limit, journal;
- ``inbox``: tabs, filters, duplicates, history and triage of the requests;
- ``transcript``: the conversation of a request, masked; ``views``: pages and JSON;
- ``python -m bot.console add-user <email> --role accueil|admin`` creates an account (invitation only).
"""

"""Custom actions of the assistant, one module per concern:

- ``profile_form``: the questions of ``profil_form`` and their validation;
- ``orientation``: the recommendations and their follow-ups;
- ``handoff``: being called back by a person (``contact_form``);
- ``session``: pre-filled slots from partner metadata;
- ``feedback``: the anonymous statistics (first orientation, the user's rating of it);
- ``knowledge_client``: the knowledge base, loaded once per process.
"""

"""Imported by the action server with the other modules: loads the knowledge
base before the first request, so that no user waits for it."""
import logging

from actions.knowledge_client import get_client, warm_up

warm_up()
logging.getLogger(__name__).info("knowledge base ready (%s mode, %d schemes)",
                                 get_client().mode, len(get_client().catalogue))

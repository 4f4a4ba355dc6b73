"""Message bus: the Publisher port with Pub/Sub and in-process adapters."""

"""Conversation analytics: redacted facts from the conversation events, and the figures drawn from them.

One pipeline, two ways in (analytics/sources/): RabbitMQ's `rasa_events` queue in production
(storage/event_broker.py publishes it), the tracker store's `events` table under `make run`.
Both hand events to analytics/pipeline.py, which turns them into facts (analytics/processor.py)
and writes them to the analytics tables (analytics/tables.py). analytics/figures.py reads the
figures for a period back out, for the agent console's insights page and for `make report`.

A customer is named nowhere but by a salted hash of the conversation ID (ANALYTICS_SALT); the
only text kept is a misunderstood message, masked (analytics/masking.py).
"""

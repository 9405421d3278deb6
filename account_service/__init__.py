"""The account service: system of record and security boundary of the assistant.

aiohttp serves the API described in docs/account-service.md; SQLAlchemy (async) keeps customers,
cards, money, one-time codes, verified sessions, the outbox and the audit log.
"""

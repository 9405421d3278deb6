"""Where events come from: the tracker store's table (`make run`), RabbitMQ (production), and
the account service's handoff queue (when an agent took a case)."""

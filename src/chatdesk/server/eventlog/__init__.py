"""The event log (every durable change with its event, in one transaction) and the hub that fans events out."""

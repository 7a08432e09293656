"""The durable outbox: every outgoing delivery (a webhook POST or a mail) is a row written in the
transaction of the event it reports (enqueue.py, called from Tx.emit), and sent later by one
worker task (worker.py) with retries, backoff and a dead letter at the end."""

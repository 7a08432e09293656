"""Simulated visitors: a client of the visitor API, as the browser widget would be.

`run` drives the visitors (`chatdesk simulate`, and the in-process `simulate()`), `visitor` is one
visitor's REST + stream connection, `script` is what they see and say. Imports chatdesk.protocol
only among chatdesk's packages (plus httpx and websockets): no server, no operator client, no Textual.
"""

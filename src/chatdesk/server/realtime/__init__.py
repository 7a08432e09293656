"""The two websocket endpoints: the operator stream and the visitor stream."""

"""HTTP routes, one module per area, all under the API prefix: parse, authorise through
dependencies, call a service, answer with a response model."""

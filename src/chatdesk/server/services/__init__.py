"""The rules and their SQL. Never imports fastapi or starlette: a refusal is a services.errors.DomainError that the api layer maps."""

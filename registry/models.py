"""The marriage registration service as an API client: tokens, audit, webhooks."""

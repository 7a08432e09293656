"""What a receiver of chatdesk's webhooks needs, standard library only: import it anywhere."""

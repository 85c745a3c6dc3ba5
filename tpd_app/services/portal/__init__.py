"""Public information (seed 參.二.(二).13–18): what the network publishes for everyone and for each
jurisdiction — announcements (最新消息) so far."""

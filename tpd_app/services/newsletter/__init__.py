"""教師專業發展電子報 (the e-newsletter, seed 參.二.(二).13, 15): issues the national centre edits, articles the
regional centres contribute, the public archive, the subscribers and the mailing of each issue."""

"""Outbound IPN: posting signed bodies over HTTP, judging replies, scheduling retries."""

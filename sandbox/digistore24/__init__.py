"""The Digistore24 side: a vendor account's products, orders, affiliates, e-tickets and
IPN connections, as plain data and pure functions (storage and HTTP live elsewhere)."""

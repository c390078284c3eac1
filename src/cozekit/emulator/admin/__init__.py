"""Accounts, enterprises and organizations, commerce (benefits, bills, limits), callback apps and their
deliveries."""

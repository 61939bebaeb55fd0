"""The mail intake's ledger: each fetched message once (tables added with revision 0004)."""

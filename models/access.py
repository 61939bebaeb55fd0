"""Who may sign in to `zvit web`: one-time links and sessions (tables added with revision 0003)."""

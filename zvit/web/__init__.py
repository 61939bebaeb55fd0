"""The department portal (`zvit web`): a department uploads its report and sees the verdict at once; a
consolidator sees the quarter; no one sees another department's data. Server-rendered, works without JavaScript."""

from zvit.web.app import Portal, create_app

__all__ = ["Portal", "create_app"]

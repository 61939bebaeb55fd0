"""Reports by email: a mailbox read over IMAP, each message once; its attachments through the one pipeline and
its sender answered with a receipt (Prefect-free: `zvit mail fetch` and the collect-mail flow call `fetch_mail`)."""

from zvit.mail.fetch import FetchResult, MessageResult, fetch_mail

__all__ = ["FetchResult", "MessageResult", "fetch_mail"]

"""Email addresses as zvit accepts them, in the registry and in the settings alike: one check for both."""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import AfterValidator

#: local@domain with a dotted domain of letters, digits and inner hyphens (no display names, quoted or IP forms):
#: an address goes into a message header as it is, so anything fancier is refused rather than interpreted
_EMAIL = re.compile(r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+"
                    r"@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}$")


def check_email(value: str) -> str:
    """`value` if it is a plain address (at most 254 characters, no «..»); ValueError naming it otherwise."""
    if len(value) > 254 or not _EMAIL.match(value) or ".." in value:
        raise ValueError(f"invalid email address {value!r}")
    return value


#: a str field holding one checked address
EmailAddress = Annotated[str, AfterValidator(check_email)]

"""Problems found in user data come back as values, all at once (style guide, rule 3)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


class Severity(Enum):
    ERROR = "erreur"
    WARNING = "avertissement"


@dataclass(frozen=True)
class Issue:
    """One problem: `where` names the record as the user sees it, e.g. 'Clients, ligne 12'."""

    code: str
    message: str
    where: str = ""
    severity: Severity = Severity.ERROR

    @property
    def blocking(self) -> bool:
        return self.severity is Severity.ERROR


class Refused(Exception):
    """Raised by services/stores to stop an action; carries the user-facing issues.

    This is not a bug signal: the CLI turns it into exit status 1 and a French message.
    """

    def __init__(self, issues: list[Issue] | tuple[Issue, ...] | Issue):
        if isinstance(issues, Issue):
            issues = [issues]
        self.issues = list(issues)
        super().__init__("; ".join(i.message for i in self.issues))

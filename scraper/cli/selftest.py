"""Running the inline tests that rule files carry (`[[tests]]`), for `scrape rules test`
and for pytest; and listing the rules, for `scrape rules list`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..errors import ScraperError
from ..rules.site import RuleTest, SiteRule

if TYPE_CHECKING:
    from ..extractor import Extractor


@dataclass(frozen=True)
class RuleTestResult:
    """The outcome of one inline test: `passed`, `failed` or `skipped` (fixture absent)."""

    rule: str
    index: int
    fixture: str
    status: str
    problems: tuple[str, ...] = ()

    def line(self) -> str:
        """One line for a terminal."""
        head = f"{self.status.upper():7} {self.rule}[{self.index}] {self.fixture}"
        return head + (": " + "; ".join(self.problems) if self.problems else "")


def run_test(extractor: Extractor, rule: SiteRule, index: int, test: RuleTest) -> RuleTestResult:
    """Extract the test's fixture and check its strings against the record's text."""
    shown = str(test.fixture)
    if not test.fixture.is_file():
        return RuleTestResult(rule.name, index, shown, "skipped", ("fixture not found",))
    try:
        record = extractor.extract_html(test.fixture.read_bytes(), url=test.url)
    except ScraperError as err:
        return RuleTestResult(rule.name, index, shown, "failed", (f"extraction failed: {err}",))
    except OSError as err:
        return RuleTestResult(rule.name, index, shown, "failed", (f"cannot read: {err}",))
    text = record.to_text()
    problems = [f"missing {s!r}" for s in test.contains if s not in text]
    problems += [f"unwanted {s!r}" for s in test.not_contains if s in text]
    return RuleTestResult(rule.name, index, shown, "failed" if problems else "passed",
                          tuple(problems))


def run_tests(extractor: Extractor, name: str | None = None) -> list[RuleTestResult]:
    """Run every inline test of the extractor's rules, or only those of the rule called
    `name` (RulesError if none)."""
    rules = extractor.rules
    selected = [rules.get(name)] if name else list(rules.sites)
    return [run_test(extractor, rule, i, test)
            for rule in selected for i, test in enumerate(rule.tests)]


def describe(rule: SiteRule) -> str:
    """One line saying what a rule applies to and what it extracts."""
    claims = []
    if rule.domains:
        claims.append("domains " + ", ".join(rule.domains))
    if rule.generator:
        claims.append("generator " + ", ".join(rule.generator))
    if rule.selectors:
        claims.append("pages with " + ", ".join(rule.selectors))
    if rule.line_markers:
        claims.append("texts with " + ", ".join(p.pattern for p in rule.line_markers))
    does = []
    if rule.body:
        does.append("body")
    if rule.strip:
        does.append(f"strip {len(rule.strip)}")
    if rule.drop_lines:
        does.append(f"drop_lines {len(rule.drop_lines)}")
    if rule.tests:
        does.append(f"tests {len(rule.tests)}")
    return f"{rule.name}: {'; '.join(claims) or 'no match keys'} [{', '.join(does)}]"

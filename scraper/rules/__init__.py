"""Rules: the rule-file model and loader, the boilerplate lexicon, applying a page's rules,
and the inline tests rule files carry."""

from .loader import default_rules_dir, load_rule_file, load_rules
from .site import CrawlConfig, Rules, RuleTest, SiteRule

__all__ = ["CrawlConfig", "RuleTest", "Rules", "SiteRule", "default_rules_dir", "load_rule_file",
           "load_rules"]

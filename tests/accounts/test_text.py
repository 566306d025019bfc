"""Joining text follows the active language."""

from django.template import Context, Template
from django.utils import translation

from accounts.text import join_clauses, join_list, labelled


def test_chinese_by_default():
    assert join_list(["甲", "乙", "丙"]) == "甲、乙、丙"
    assert join_clauses(["甲", "乙"]) == "甲；乙"
    assert labelled("状态", "完成") == "状态：完成"
    assert join_list([]) == "" and join_list(["甲"]) == "甲"


def test_english():
    with translation.override("en"):
        assert join_list(["a", "b", "c"]) == "a, b, c"
        assert join_clauses(["a", "b"]) == "a; b"
        assert labelled("Status", "done") == "Status: done"


def test_template_tags():
    template = Template(
        "{% load text %}A{% list_sep %}B{% clause_sep %}C{% label_sep %}D {{ items|join_list }}"
    )
    assert template.render(Context({"items": ["x", "y"]})) == "A、B；C：D x、y"
    with translation.override("en"):
        assert template.render(Context({"items": ["x", "y"]})) == "A, B; C: D x, y"

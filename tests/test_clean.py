from __future__ import annotations

import pytest

from lawie.clean import clean, is_traditional
from lawie.spans import Edit, apply_edits


def _map(text: str, needle_in_clean: str) -> str:
    c = clean(text)
    start = c.text.index(needle_in_clean)
    s, e = c.to_original(start, start + len(needle_in_clean))
    return text[s:e]


def test_seed_000_traditional_and_pinyin_are_cleaned(seeds):
    c = clean(seeds["000"])
    assert "(jīng)" not in c.text and "經" not in c.text
    assert "中共威海市委经技区工委" in c.text
    assert "1.8万余人次参加学习" in c.text


def test_pinyin_belongs_to_the_character_before_it(seeds):
    assert _map(seeds["000"], "经技区工委") == "經(jīng)技區(qū)工委"
    assert _map(seeds["000"], "威海经济技术开发区") == "威海經(jīng)濟技術(shù)開發(fā)區(qū)"


def test_every_cleaned_character_maps_inside_the_original(seeds):
    for text in seeds.values():
        c = clean(text)
        previous = 0
        for i in range(len(c.text)):
            s, e = c.to_original(i, i + 1)
            assert 0 <= s < e <= len(text)
            assert s >= previous  # order is kept
            previous = s


def test_simplified_text_is_left_alone(seeds):
    assert not is_traditional(seeds["001"])
    assert is_traditional(seeds["000"])
    assert clean(seeds["001"]).text == seeds["001"]


def test_web_furniture_lines_are_dropped(seeds):
    assert "扫一扫在手机上查看当前页面" not in clean(seeds["003"]).text
    cleaned = clean(seeds["004"]).text
    assert "您现在的位置" not in cleaned and "【字体" not in cleaned and "触碰右侧展开" not in cleaned
    assert "深汕特别合作区党政办公室2024年度法治政府建设年度报告" in cleaned


def test_html_tags_and_entities():
    text = (
        "<html><body><p>受理&amp;办理<b>行政复议</b>案件37件</p>"
        "<script>var x = '<p>';</script>&nbsp;审结25件</body></html>"
    )
    c = clean(text)
    assert "<" not in c.text and "var x" not in c.text
    assert "受理&办理行政复议案件37件" in c.text
    assert _map(text, "&办理") == "&amp;办理"
    assert _map(text, "行政复议案件") == "行政复议</b>案件"


def test_full_width_space_and_digits():
    text = "受理案件\u3000３７件，占比１０％"
    c = clean(text)
    assert c.text == "受理案件 37件，占比10%"
    assert _map(text, "37件") == "３７件"


@pytest.mark.parametrize("kept", ["(试行)", "(以下简称昆区)", "(2021-2025年)", "小程序(APP)", "(一)"])
def test_parentheses_that_are_not_pinyin_stay(kept):
    assert kept in clean(f"印发规则{kept}等").text


def test_apply_edits_rejects_overlaps():
    with pytest.raises(ValueError):
        apply_edits("abcdef", [Edit(0, 3, "x"), Edit(2, 4, "y")])

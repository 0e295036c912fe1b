"""The rule engine on the guideline's own examples and on named constructions."""

from __future__ import annotations

import pytest

import lawie


def _spans(text: str) -> list[tuple[str, str]]:
    return [(e.label, e.text) for e in lawie.extract(text, engine="rules").entities]


def _links(text: str) -> list[tuple[str, str | None]]:
    return [(r.count.text, r.target.text if r.target else None) for r in lawie.extract(text, engine="rules").records]


def test_guideline_example_1():
    text = "2022年共受理行政复议案件37件，审结25件。"
    assert _spans(text) == [("YEAR", "2022年"), ("METRIC", "行政复议案件"), ("COUNT", "37件"), ("COUNT", "25件")]
    assert _links(text) == [("37件", "行政复议案件"), ("25件", "行政复议案件")]


def test_guideline_example_2():
    text = "昆区市场监督管理局分别与区住建局、区商务局等八个部门开展跨部门“双随机、一公开”，联合检查市场主体36户"
    assert _spans(text) == [
        ("ORG", "昆区市场监督管理局"),
        ("ORG", "区住建局"),
        ("ORG", "区商务局"),
        ("COUNT", "八个"),
        ("METRIC", "部门"),
        ("INITIATIVE", "“双随机、一公开”"),
        ("METRIC", "市场主体"),
        ("COUNT", "36户"),
    ]
    assert _links(text) == [("八个", "部门"), ("36户", "市场主体")]


def test_guideline_example_3():
    text = "收到行政复议申请45件，同比增长400%，行政机关负责人出庭应诉率100%"
    doc = lawie.extract(text, engine="rules")
    assert _links(text) == [("45件", "行政复议申请"), ("400%", "行政复议申请"), ("100%", "行政机关负责人出庭应诉率")]
    change = {r.count.text: (r.change, r.direction) for r in doc.records}
    assert change == {"45件": (False, None), "400%": (True, "up"), "100%": (False, None)}


@pytest.mark.parametrize(
    "text, count, metric",
    [
        ("全区各基层组织集体学习240余场次,1.8万余人次参加学习。", "1.8万余人次", "参加学习"),
        ("本年度对2件规范性文件进行修改。", "2件", "规范性文件"),
        ("聘请四名专职律师到岗坐班协助审查。", "四名", "专职律师"),
        ("查办16类民生领域“铁拳”案件129起。", "129起", "民生领域“铁拳”案件"),
        ("提出修改意见20余条。", "20余条", "修改意见"),
        ("已办结65485件,办结率95.64%。", "95.64%", "办结率"),
    ],
)
def test_metric_before_and_after_the_count(text, count, metric):
    assert (count, metric) in _links(text)


@pytest.mark.parametrize(
    "text, not_a_count",
    [
        ("荣获第四批全国法治宣传教育基地", "四批"),
        ("做强“法润昆都仑12348”普法品牌", "12348"),
        ("严格落实行政执法“三项制度”", "三项"),
        ("全面贯彻党的二十大精神", "二十大"),
        ("一批群众关心的问题得到解决", "一批"),
        ("持续提升乡镇(街道)“1+4+N”行政合法性审查改革质效", "4"),
        ("2024年以来", "2024年"),
    ],
)
def test_things_that_are_not_counts(text, not_a_count):
    assert not [e for e in lawie.extract(text, engine="rules").entities if e.label == "COUNT"]


@pytest.mark.parametrize(
    "text, label, span",
    [
        ("深入推进“放管服”改革", "INITIATIVE", "“放管服”"),
        ("认真对照《法治政府建设实施纲要(2021-2025年)》", "INITIATIVE", "《法治政府建设实施纲要(2021-2025年)》"),
        (
            "印发《关于〈深汕特别合作区管委会合法性审查事务办理指引〉的补充通知》",
            "INITIATIVE",
            "《关于〈深汕特别合作区管委会合法性审查事务办理指引〉的补充通知》",
        ),
        ("坚持和发展新时代“枫桥经验”", "INITIATIVE", "“枫桥经验”"),
        ("2024年以来，通过该模式化解", "YEAR", "2024年"),
        ("组织学习2023—2025年规划", "YEAR", "2023—2025年"),
        ("成文日期: 2025-02-21", "YEAR", "2025-02-21"),
        ("江口司法所获评市级司法所", "ORG", "江口司法所"),
        ("在区政府门户网站公开", "ORG", "区政府"),
    ],
)
def test_names_years_and_bodies(text, label, span):
    assert (label, span) in _spans(text)


def test_numbers_inside_titles_and_quotes_are_not_years_or_counts():
    spans = _spans("制定《昆都仑区政法机关优化法治化营商环境措施30条》和“八大行动(2024)”任务清单")
    assert [label for label, _ in spans] == ["INITIATIVE", "INITIATIVE"]


def test_records_read_a_change_written_after_the_count():
    (record,) = lawie.extract("一律按不低于5%的幅度压减一般性支出。", engine="rules").records
    assert (record.value, record.qualifier, record.change, record.direction) == (5, "at_least", True, "down")

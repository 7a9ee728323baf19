"""The words of the letters, for one person and for many (pure functions, no database)."""

import datetime as dt

from reviews import wording
from reviews.letters import title_lines
from reviews.wording import PersonFacts

d = dt.date


MET = d(2025, 10, 13)


def admitted(name, start=MET):
    return PersonFacts(
        name=name, gender="男", probation_start=start, probation_end=start.replace(year=start.year + 1)
    )


def test_admission_for_one_person_names_them_and_their_probation():
    text = wording.admission([admitted("张三")], "城关镇党委", d(2025, 11, 2), "支部大会")
    assert text.title == "关于同意吸收张三同志为中国共产党预备党员的批复"
    assert "城关镇党委于2025年11月2日召开党委会" in text.body[0]
    assert (
        text.body[1] == "同意吸收张三同志为中国共产党预备党员，预备期一年，自2025年10月13日至2026年10月13日。"
    )
    assert not text.show_table
    assert text.closing[-1] == "特此批复。"


def test_admission_for_five_counts_them_in_the_title_and_lists_them():
    persons = [admitted(n) for n in ("张三", "李四", "王五", "赵六", "钱七")]
    text = wording.admission(persons, "城关镇党委", d(2025, 11, 2), "党支部党员大会")
    assert text.title == "关于同意吸收张三等5名同志为中国共产党预备党员的批复"
    assert "预备期均为一年，自党支部党员大会通过之日起计算。名单如下：" in text.body[1]
    assert text.show_table and len(text.decisions) == 5
    assert text.decisions[0] == ("接收为中国共产党预备党员，预备期一年", "2025年10月13日至2026年10月13日")


def test_conversion_titles_follow_the_resolutions():
    convert = PersonFacts(name="周六", resolution="convert", full_member_on=d(2026, 10, 13))
    extend = PersonFacts(name="吴七", resolution="extend", extension_months=6, probation_end=d(2027, 4, 13))
    cancel = PersonFacts(name="郑八", resolution="cancel")
    assert (
        wording.conversion([convert], "城关镇党委", None).title
        == "关于同意周六同志按期转为中国共产党正式党员的批复"
    )
    assert wording.conversion([extend], "城关镇党委", None).title == "关于同意延长吴七同志预备期的批复"
    assert wording.conversion([cancel], "城关镇党委", None).title == "关于同意取消郑八同志预备党员资格的批复"
    mixed = wording.conversion([convert, extend, cancel], "城关镇党委", d(2026, 11, 1))
    assert mixed.title == "关于周六等3名同志预备党员转正问题的批复"
    assert "同意周六同志按期转为中国共产党正式党员，党龄自2026年10月13日算起。" in mixed.body
    assert "同意延长吴七同志预备期6个月，延长后的预备期至2027年4月13日止。" in mixed.body
    assert any("同意取消郑八同志的预备党员资格" in p for p in mixed.body)
    assert any("继续加强教育和考察" in p for p in mixed.closing)


def test_filings_and_pre_review():
    one = [PersonFacts(name="赵一", selected_on=d(2024, 3, 1))]
    assert wording.filing(one, "activist_filing", "2014").title == "关于赵一同志列为入党积极分子的备案回执"
    assert "（2024年3月1日确定）" in wording.filing(one, "activist_filing", "2014").body[1]
    assert wording.filing(one, "target_filing", "2014").title == "关于赵一同志列为发展对象的备案回执"
    agreed = wording.filing(one, "target_filing", "2026")
    assert agreed.title == "关于同意将赵一同志列为发展对象的批复" and "公示" in agreed.closing[0]
    assert "一个月内" in wording.pre_review(one, "2026").closing[0]


def test_the_issuing_organisation_and_dates_are_written_as_official_documents_write_them():
    assert wording.issuer_mark("城关镇党委") == "中共城关镇委员会"
    assert wording.issuer_mark("县直机关工委") == "中共县直机关工作委员会"
    assert wording.issuer_mark("中共某某委员会") == "中共某某委员会"
    assert wording.cn_date(d(2026, 1, 5)) == "2026年1月5日"
    assert wording.people(["张三"]) == "张三同志" and wording.people(["张三"] * 12) == "张三等12名同志"


def test_long_titles_break_at_a_phrase_boundary():
    assert title_lines("关于同意吸收张三等5名同志为中国共产党预备党员的批复") == [
        "关于同意吸收张三等5名同志",
        "为中国共产党预备党员的批复",
    ]
    assert title_lines("关于同意延长张三同志预备期的批复") == ["关于同意延长张三同志预备期的批复"]


def test_a_notice_title_breaks_before_what_is_proposed():
    assert title_lines("关于欧阳一0等5名同志拟列为发展对象的公示") == [
        "关于欧阳一0等5名同志",
        "拟列为发展对象的公示",
    ]
    assert title_lines("关于欧阳一0等50名同志拟转为正式党员的公示") == [
        "关于欧阳一0等50名同志",
        "拟转为正式党员的公示",
    ]

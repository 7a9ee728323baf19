"""Demo people: deterministic Chinese names, and the person fields a branch records on an application."""

import datetime as dt
import random

from demo.county import OrgSpec


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


SURNAMES = (
    "王王王李李李张张张刘刘陈陈杨杨黄赵赵吴周周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董"
    "袁潘蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏付方白邹孟熊秦邱江尹薛段雷侯龙史陶"
    "贺顾毛郝龚邵万钱严武戴孔汤"
)
MALE_GIVEN = _words(
    "伟 强 磊 军 勇 杰 涛 明 超 刚 平 辉 鹏 华 飞 斌 宇 浩 凯 健 "
    "俊 帆 旭 宁 峰 亮 波 毅 林 龙 建国 建华 建军 志强 志刚 志远 "
    "国庆 国华 卫东 德明 春生 海峰 明辉 俊杰 浩然 宇航 一鸣 博文 天宇 "
    "子轩 振华 晓东 永刚 立新 新民 家豪 晨阳 嘉豪 思远 梓豪 文博 鑫 "
    "磊磊 成龙 兴旺 满仓 铁柱 "
)
FEMALE_GIVEN = _words(
    "芳 娜 敏 静 丽 艳 娟 秀 霞 玲 琳 晶 欣 颖 倩 婷 雪 慧 燕 红 "
    "萍 梅 兰 洁 丹 莉 薇 秀英 秀兰 玉兰 桂英 丽娟 晓燕 海燕 春梅 "
    "红梅 文静 思雨 梓萱 欣怡 佳怡 雅婷 雨涵 若曦 晨曦 嘉怡 子涵 诗琪 "
    "梦瑶 秋菊 冬梅 美玲 小红 丽华 凤英 春燕 晓丽 "
)
ETHNICITIES = ("汉族",) * 30 + ("回族", "土家族", "苗族", "满族")


class Names:
    """Deterministic Chinese names; unique within the demo, repeatable with the same seed."""

    def __init__(self, rng: random.Random, unique: bool = True):
        self.rng, self.unique, self.used = rng, unique, set()

    def make(self, gender: str) -> str:
        pool = MALE_GIVEN if gender == "M" else FEMALE_GIVEN
        for _ in range(200):
            candidate = self.rng.choice(SURNAMES) + self.rng.choice(pool)
            if not self.unique or candidate not in self.used:
                self.used.add(candidate)
                return candidate
        raise RuntimeError("names exhausted")


PHONE_PREFIXES = ("38", "39", "58", "59", "87", "35", "36", "80")


def gender(rng: random.Random) -> str:
    return "F" if rng.random() < 0.42 else "M"


def adult_age(rng: random.Random) -> int:
    """An applicant's age, most in their twenties and thirties."""
    return 18 + int(rng.betavariate(1.6, 3.6) * 36)


def person(
    rng: random.Random,
    names: Names,
    spec: OrgSpec,
    *,
    sex: str,
    birth_date: dt.date,
    id_number: str,
    league: bool,
    frontline: bool,
) -> dict:
    """The person fields of an application at branch `spec` (the caller chooses who they are)."""
    return {
        "name": names.make(sex),
        "gender": sex,
        "ethnicity": rng.choice(ETHNICITIES),
        "birth_date": birth_date,
        "id_number": id_number,
        "education": rng.choice(spec.education),
        "is_league_member": league,
        "is_frontline": frontline or rng.random() < 0.3,
        "phone": "1" + rng.choice(PHONE_PREFIXES) + f"{rng.randint(0, 99999999):08d}",
        "workplace": rng.choice(spec.workplaces),
    }

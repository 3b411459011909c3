"""Text normalisation: labels and text typed by people (workbooks) or published (web pages, PDF text).

Two levels:

* :func:`normalize_text` keeps the layout (lines, spaces, pipes) and only makes characters
  canonical: NFKC (full-width brackets, digits and the Kangxi radicals U+2F00–U+2FDF), an explicit
  map for the CJK Radicals Supplement U+2E80–U+2EFF (which NFKC leaves alone), non-breaking and
  ideographic spaces, and "1、" → "1.".
* :func:`squeeze` additionally joins words broken by spaces or line breaks ("商业 企业",
  "申\\n请数量") so that labels can be found with a plain substring search, while keeping every
  space that separates two numbers.

:func:`label_key` is the comparison key of a label (no whitespace, no quotes): the one way labels are
compared, by the workbook reader and the audit alike.
"""

from __future__ import annotations

import functools
import re
import unicodedata

#: CJK Radicals Supplement look-alikes → the unified ideograph they stand for (after Unicode's
#: EquivalentUnifiedIdeograph.txt). NFKC does not map this block.
RADICAL_MAP: dict[str, str] = {
    "\u2e81": "厂",
    "\u2e82": "乛",
    "\u2e83": "乚",
    "\u2e84": "乙",
    "\u2e85": "亻",
    "\u2e86": "冂",
    "\u2e87": "几",
    "\u2e89": "刂",
    "\u2e8a": "卜",
    "\u2e8b": "㔾",
    "\u2e8c": "小",
    "\u2e8d": "小",
    "\u2e8e": "兀",
    "\u2e8f": "尣",
    "\u2e90": "尢",
    "\u2e92": "巳",
    "\u2e93": "幺",
    "\u2e94": "彑",
    "\u2e95": "彐",
    "\u2e96": "忄",
    "\u2e97": "心",
    "\u2e98": "扌",
    "\u2e99": "攵",
    "\u2e9b": "旡",
    "\u2e9c": "日",
    "\u2e9d": "月",
    "\u2e9e": "歺",
    "\u2e9f": "母",
    "\u2ea0": "民",
    "\u2ea1": "氵",
    "\u2ea2": "氺",
    "\u2ea3": "灬",
    "\u2ea4": "爫",
    "\u2ea5": "爫",
    "\u2ea6": "丬",
    "\u2ea7": "牛",
    "\u2ea8": "犭",
    "\u2ea9": "王",
    "\u2eaa": "疋",
    "\u2eab": "目",
    "\u2eac": "示",
    "\u2ead": "礻",
    "\u2eae": "竹",
    "\u2eaf": "糹",
    "\u2eb0": "纟",
    "\u2eb1": "罓",
    "\u2eb2": "罒",
    "\u2eb3": "网",
    "\u2eb4": "网",
    "\u2eb5": "网",
    "\u2eb6": "羊",
    "\u2eb7": "羊",
    "\u2eb9": "耂",
    "\u2eba": "肀",
    "\u2ebb": "聿",
    "\u2ebc": "肉",
    "\u2ebd": "臼",
    "\u2ebe": "艹",
    "\u2ebf": "艹",
    "\u2ec0": "艹",
    "\u2ec1": "虎",
    "\u2ec2": "衤",
    "\u2ec3": "覀",
    "\u2ec4": "西",
    "\u2ec5": "见",
    "\u2ec6": "角",
    "\u2ec7": "角",
    "\u2ec8": "讠",
    "\u2ec9": "贝",
    "\u2eca": "足",
    "\u2ecb": "车",
    "\u2ecc": "辶",
    "\u2ecd": "辶",
    "\u2ece": "辶",
    "\u2ecf": "阝",
    "\u2ed0": "钅",
    "\u2ed1": "長",
    "\u2ed2": "镸",
    "\u2ed3": "长",
    "\u2ed4": "门",
    "\u2ed5": "阜",
    "\u2ed6": "阝",
    "\u2ed7": "雨",
    "\u2ed8": "青",
    "\u2ed9": "韦",
    "\u2eda": "页",
    "\u2edb": "风",
    "\u2edc": "飞",
    "\u2edd": "食",
    "\u2ede": "食",
    "\u2edf": "飠",
    "\u2ee0": "饣",
    "\u2ee1": "首",
    "\u2ee2": "马",
    "\u2ee3": "骨",
    "\u2ee4": "鬼",
    "\u2ee5": "鱼",
    "\u2ee6": "鸟",
    "\u2ee7": "卤",
    "\u2ee8": "麦",
    "\u2ee9": "黄",
    "\u2eea": "黾",
    "\u2eeb": "斉",
    "\u2eec": "齐",
    "\u2eed": "歯",
    "\u2eee": "齿",
    "\u2eef": "竜",
    "\u2ef0": "龙",
    "\u2ef1": "龜",
    "\u2ef2": "亀",
    "\u2ef3": "龟",
}

#: Traditional (and variant) forms of the characters of the form's fixed texts → simplified, so that
#: a report typed in traditional characters ("屬於國家秘密", "重複申請") finds its labels. Only
#: characters that are not in use as simplified characters themselves.
TRADITIONAL = (
    "萬万與与為为爲为舉举於于會会體体關关決决況况減减務务動动區区單单發发後后處处復复複复對对屬属廢废開开強强"
    "當当總总執执護护報报據据權权條条構构沒没現现確确穩稳類类係系糾纠納纳組组織织經经結结繼继續续維维繳缴罰罚"
    "規规計计認认議议許许訟讼訪访訴诉詢询請请購购費费轉转過过這这進进採采問问項项題题額额國国業业個个兩两產产"
    "從从價价傳传餘余辦办數数範范製制補补無无獲获審审機机內内門门實实將将號号號号應应並并級级縣县鎮镇鄉乡廳厅"
    "負负責责聯联繫系網网頁页話话電电郵邮編编圍围與与書书歸归齊齐衛卫設设環环"
)
_TRAD_MAP = {TRADITIONAL[i]: TRADITIONAL[i + 1] for i in range(0, len(TRADITIONAL), 2)}

_CHAR_MAP = str.maketrans(
    {
        **RADICAL_MAP,
        **_TRAD_MAP,
        "\u00a0": " ",
        "\u3000": " ",
        "\u2002": " ",
        "\u2003": " ",
        "\u2009": " ",
        "\u200b": "",
        "\ufeff": "",
        "\u200c": "",
        "\u200d": "",
        "\r": "",
        "\u2014": "—",
        "\u2015": "—",
        "\u2013": "–",
        "\u2012": "–",
        "\u2212": "-",
    }
)
_QUOTES = "“”‘’\"'「」『』〝〞"
_QUOTE_MAP = str.maketrans("", "", _QUOTES)

# "1、" / "1 ." → "1." (item numbering); Chinese numerals with a dot → "一、".
_NUM_ENUM = re.compile(r"(?<![\d.])(\d{1,2})\s*[、.](?=\s*\D)")
# "二〇二三年" → "2023年" (years written in Chinese numerals, as titles sometimes are).
_CN_YEAR = re.compile(r"([一二][〇○零一二三四五六七八九]{3})(?=\s*年)")
_CN_YEAR_DIGITS = str.maketrans("〇○零一二三四五六七八九", "00012345678" + "9")
# "…3451、属于国家秘密": an item number glued to the previous row's digits (run-together text).
_GLUED_ENUM = re.compile(r"(?<=\d)、(?=[\u4e00-\u9fff])")
_CN_ENUM = re.compile(r"(?<![一二三四五六七八九十])([一二三四五六七八九十])\s*[.,](?=[\u4e00-\u9fff])")
# Whitespace (incl. line breaks) between two characters that are not digits/pipes is not a separator.
_INNER_WS = re.compile(r"(?<=[^\d\s|/\-—–])\s+(?=[^\d\s|/\-—–])")
# Whitespace between a non-digit and a digit inside a bracketed item number "（ 一 ）" etc.
_BRACKET_WS = re.compile(r"\(\s+|\s+\)")


def normalize_text(s: str) -> str:
    """Canonical characters, same layout (lines and separators kept)."""
    if not s:
        return ""
    s = unicodedata.normalize("NFKC", s.translate(_CHAR_MAP))
    if "年" in s:
        s = _CN_YEAR.sub(lambda m: m.group(1).translate(_CN_YEAR_DIGITS), s)
    s = _NUM_ENUM.sub(r"\1.", s)
    s = _GLUED_ENUM.sub(".", s)
    s = _CN_ENUM.sub(r"\1、", s)
    return s


def squeeze(s: str) -> str:
    """Join words broken by whitespace; keep whitespace next to digits and pipes.

    Also drops quotes, so “三安全一稳定” and "三安全一稳定" compare equal. Input must already be
    :func:`normalize_text`-ed.
    """
    s = s.translate(_QUOTE_MAP)
    s = _BRACKET_WS.sub(lambda m: m.group(0).strip(), s)
    return _INNER_WS.sub("", s)


@functools.lru_cache(maxsize=4096)
def label_key(s: str) -> str:
    """Comparison key of a label: normalised, no whitespace, no quotes."""
    s = normalize_text(s).translate(_QUOTE_MAP)
    return re.sub(r"\s+", "", s)


_CJK = re.compile(r"[\u3400-\u9fff]")


def has_cjk(s: str) -> bool:
    return bool(_CJK.search(s))


@functools.lru_cache(maxsize=4096)
def strip_enum(label: str) -> str:
    """A label without its item number: "1.属于国家秘密" → "属于国家秘密", "（一）予以公开" → "予以公开"."""
    return re.sub(r"^(?:\d{1,2}\.|\([一二三四五六七八九十]+\)|[一二三四五六七八九十]+、)", "", label_key(label))

"""to_halfwidth, to_simplified, clean_text."""

from __future__ import annotations

import json
import random
import subprocess
import unicodedata
from pathlib import Path

import opencc
import pytest

from app.normalize.text import (
    PHRASE_ONLY_CHARS,
    clean_text,
    t2s_trigger_chars,
    to_halfwidth,
    to_simplified,
)

FIXTURE = Path(__file__).parent.parent / "fixtures" / "normalize_real_values.json"
REAL = json.loads(FIXTURE.read_text(encoding="utf-8"))
# The configuration to_simplified uses: OpenCC t2s without the "tofu risk" dictionary.
REFERENCE = opencc.OpenCC("t2s", include_tofu_risk_dictionaries=False)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("ＡＢＣｘｙｚ１２３", "ABCxyz123"),
        ("Ｊａｖａ　工程师", "Java 工程师"),
        ("８０００－１００００", "8000-10000"),
        ("（双休）：五险一金，餐补！", "(双休):五险一金,餐补!"),
        ("ｅｍａｉｌ＠ｅｘａｍｐｌｅ．ｃｏｍ", "email@example.com"),
        ("①负责开发", "1负责开发"),
    ],
)
def test_to_halfwidth_converts_fullwidth_ascii_and_ideographic_space(raw: str, expected: str) -> None:
    assert to_halfwidth(raw) == expected


def test_to_halfwidth_keeps_chinese_only_punctuation_and_ellipsis() -> None:
    text = "负责开发。熟悉、“精通”《手册》【急招】——待遇优厚…… 张·三"
    assert to_halfwidth(text) == text


def test_to_halfwidth_equals_nfkc_apart_from_the_ellipsis() -> None:
    rng = random.Random(7)
    pool = list("开发，：（）！？ＡＺａｚ０９\u3000\xa0①②㎡℃\uf967\u2f00e\u0301\u0323한글ｶﾞ 。、《》abc")
    for _ in range(500):
        text = "".join(rng.choice(pool) for _ in range(rng.randint(1, 30)))
        assert to_halfwidth(text) == unicodedata.normalize("NFKC", text), ascii(text)
    assert to_halfwidth("①…\xa0②") == "1… 2"


def test_to_halfwidth_folds_compatibility_ideographs_to_unified() -> None:
    assert to_halfwidth("\uf967\u91cf") == "不量"  # U+F967 is a compatibility 不


@pytest.mark.parametrize(
    ("traditional", "simplified"),
    [
        ("軟體開發工程師", "软体开发工程师"),
        ("廣東省深圳市", "广东省深圳市"),
        ("薪資面議", "薪资面议"),
        ("請回覆郵件", "请回复邮件"),  # phrase-only: 覆 alone is unchanged
        ("瞭解業務", "了解业务"),
        ("沈默寡言", "沉默寡言"),
    ],
)
def test_to_simplified_converts_traditional_text(traditional: str, simplified: str) -> None:
    assert to_simplified(traditional) == simplified


def test_to_simplified_returns_simplified_text_itself_without_conversion() -> None:
    text = "岗位职责：负责公司产品的开发与维护，熟悉什么是沈阳的俱乐部。" * 10
    assert to_simplified(text) == text
    plain = "负责公司产品的开发与维护，熟悉 Java 与数据库。" * 10
    assert to_simplified(plain) is plain  # the fast path did not call OpenCC


@pytest.mark.parametrize("snippet", REAL["traditional_snippets"])
def test_to_simplified_matches_opencc_on_real_snippets(snippet: str) -> None:
    assert to_simplified(snippet) == REFERENCE.convert(snippet)
    assert to_simplified(snippet) != snippet


def test_to_simplified_handles_astral_characters_and_lone_surrogates() -> None:
    assert to_simplified("𠀀開") == "𠀀开"
    assert to_simplified("開\ud800發") == "开发"


def test_to_simplified_agrees_with_opencc_on_random_mixed_text() -> None:
    rng = random.Random(24365)
    triggers = sorted(t2s_trigger_chars())
    common = "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本去把性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比或但质气第向道命此变条只没结解问意建月公无系军很情者最立代想已通并提直题党程展五果料象员革位入常文总次品式活设及管特件长求老头基资边流路级少图山统接知较将组见计别她手角期根论运农指几九区强放决西被干做必战先回则任取据处队南给色光门即保治北造百规热领七海口东导器压志世金增争济阶油思术极交受联什认六共权收证改清己美再采转更单风切打白教速花带安场身车例真务具万每目至达走积示议声报斗完类八离华名确才科张信马节话米整空元况今集温传土许步群广石记需段研界拉林律叫且究观越织装影算低持音众书布复容儿须际商非验连断深难近矿千周委素技备半办青省列习响约支般史感劳便团往酸历市克何除消构府称太准精值号率族维划选标写存候毛亲快效斯院查江型眼王按格养易置派层片始却专状育厂京识适属圆包火住调满县局照参红细引听该铁价严"
    pool = triggers[:400] + list(common) + list(PHRASE_ONLY_CHARS)
    for _ in range(300):
        text = "".join(rng.choice(pool) for _ in range(rng.randint(1, 60)))
        assert to_simplified(text) == REFERENCE.convert(text)


def _dump_ts_phrases(tmp_path: Path) -> dict[str, str]:
    base = Path(opencc.__file__).parent / "clib"
    tool, source = base / "bin" / "opencc_dict", base / "share" / "opencc" / "TSPhrases.ocd2"
    if not tool.exists() or not source.exists():
        pytest.skip("this opencc build ships no opencc_dict tool or TSPhrases.ocd2")
    out = tmp_path / "TSPhrases.txt"
    subprocess.run([str(tool), "-i", str(source), "-o", str(out), "-f", "ocd2", "-t", "text"],
                   check=True, capture_output=True, timeout=60)
    pairs = (line.split("\t") for line in out.read_text(encoding="utf-8").splitlines())
    return {key: value.split(" ")[0] for key, value in pairs}


def test_phrase_only_chars_cover_every_phrase_in_installed_opencc(tmp_path: Path) -> None:
    phrases = _dump_ts_phrases(tmp_path)
    assert phrases
    for key in phrases:
        assert to_simplified(key) == REFERENCE.convert(key), key


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("  Java\x00开发\u200b工程师  ", "Java开发工程师"),
        ("高级\t\tJava   工程师\n(深圳)", "高级 Java 工程师 (深圳)"),
        ("軟體　工程師\r\n", "软体 工程师"),
        ("\ufeff８千－１．３万", "8千-1.3万"),
        ("", ""),
        (" \n\t ", ""),
    ],
)
def test_clean_text_single_line_strips_controls_and_collapses_whitespace(raw: str, expected: str) -> None:
    assert clean_text(raw) == expected


def test_clean_text_multiline_keeps_line_breaks_and_one_blank_line() -> None:
    raw = "  岗位职责：\r\n1. 负责開發  \n\n\n\n  2.\x07 维护\u2028任职要求：\x00熟悉 Java\t "
    assert clean_text(raw, multiline=True) == "岗位职责:\n1. 负责开发\n\n2. 维护\n任职要求:熟悉 Java"

"""The model card shown on the seminar page, in the page's language: the project's own if it has one, else a short summary.

The English card is ``docs/model-card.md``; a translation sits beside it as
``docs/model-card.<code>.md`` (``model-card.zh.md``). A language whose card
has not been translated yet shows the English card.
"""

from __future__ import annotations

from pathlib import Path

from multivector.analysis.seminar.i18n import SOURCE_LANGUAGE, check_language

CARD = Path(__file__).resolve().parents[2] / "docs" / "model-card.md"
"""Where the project keeps its (English) model card."""

SUMMARY = """\
## Multivector in brief

*This is the page's built-in summary; the project's model card (`docs/model-card.md`) replaces it once it exists.*

**What it is.** An agent-based model of how Kazakhstan, Uzbekistan, Kyrgyzstan, Tajikistan and Turkmenistan
spread their engagement — in security, the economy and diplomacy — across eleven external powers, quarter by
quarter from 2021 to 2030.

**What it is for.** An argument machine: it asks *"if the claims of five articles on sanctions, transport
corridors and cooperation formats hold, what follows?"* and answers with a distribution over many stochastic runs.
It does not forecast, and it is not calibrated to predict events.

**How it works.** Each quarter, dated events fire (sanctions packages, unrest, investments, changed settings), the
powers set their effort and spread it across the states, the sanctions, corridor and format submodels run, and every
state moves part of the way toward the mix of partners it values most in each domain: the value of each power's
offers and of existing ties, less the threat a close and growing power poses, less a price for depending on any one
partner. The 2021 mix is each state's own best choice under 2021 conditions, so only changes from 2021 move it.
Pressure to choose sides, and the leverage that competing formats and regional cohesion give, raise the price of
dependence: they make states spread their bets more, not less. Every number that encodes the world cites a claim
of the project's registry or is a labelled assumption.

**Limits.** Alignment shares are an abstraction, not measured data; states and powers follow simple rules, not
strategies, and form no expectations; results hold only as far as the articles' claims and the labelled assumptions
do.
"""
"""Shown when the project has no model card."""

SUMMARY_ZH = """\
## Multivector 简介

*这是页面内置的简介；项目的模型卡（`docs/model-card.md`，中文版为 `docs/model-card.zh.md`）一旦存在即取代它。*

**是什么。** 一个基于主体的模型（agent-based model），模拟哈萨克斯坦、乌兹别克斯坦、吉尔吉斯斯坦、塔吉克斯坦和
土库曼斯坦如何在安全、经济和外交三个领域，将其对外交往分配给十一个外部大国；时间为2021年至2030年，逐季度推进。

**做什么用。** 它是一台“论证机器”：它追问*“如果五篇关于制裁、运输走廊和合作机制的文章的论断成立，会推出什么结果？”*，
并以多次随机运行所得的分布作答。它不做预测，也没有为预测事件而校准。

**如何运作。** 每个季度，带日期的事件依次触发（制裁方案、动荡、投资、参数调整）；各大国确定投入力度并在五国之间分配；
制裁、运输走廊和合作机制三个子模型依次运行；随后每个国家在每个领域向其最看重的伙伴组合移动一段距离。所谓“看重”，
是各大国所提供的好处与既有关系的价值，减去邻近且不断增强的大国所构成的威胁，再减去过度依赖任何单一伙伴的代价。
2021年的组合被视为各国在2021年条件下自己的最优选择，因此只有相对2021年的变化才会使其移动。
选边站队的压力，以及相互竞争的合作机制和地区凝聚力所带来的筹码，都会提高依赖的代价：它们使各国更分散地押注，而不是更集中。
凡是刻画现实世界的数值，要么引用项目论断登记册中的论断，要么是明确标注的假设。

**局限。** 交往份额是一种抽象，而非实测数据；国家和大国遵循简单规则而非战略，也不形成预期；
结果的可靠程度，以文章论断和所标注假设的可靠程度为限。
"""
"""Shown in Chinese when the project has no model card."""

SUMMARIES = {SOURCE_LANGUAGE: SUMMARY, "zh": SUMMARY_ZH}
"""Language code → the built-in summary; a language without one shows the English summary."""


def card_path(lang: str = SOURCE_LANGUAGE, path: Path = CARD) -> Path:
    """Where a language's model card is kept: ``model-card.md`` for English, ``model-card.<lang>.md`` beside it otherwise.

    Args:
        lang: A language code the page speaks (``i18n.LANGUAGES``).
        path: The English card.

    Raises:
        ValueError: If the page does not speak ``lang``.
    """
    if check_language(lang) == SOURCE_LANGUAGE:
        return path
    return path.with_name(f"{path.stem}.{lang}{path.suffix}")


def model_card(lang: str = SOURCE_LANGUAGE, path: Path = CARD) -> str:
    """The model card's Markdown text in a language.

    The language's card if it exists, else the English card, else the built-in
    summary (in the language if it has one, else in English).

    Args:
        lang: A language code the page speaks (``i18n.LANGUAGES``).
        path: The English card; translations sit beside it.

    Raises:
        ValueError: If the page does not speak ``lang``.
    """
    for candidate in (card_path(lang, path), path):
        if candidate.is_file():
            return candidate.read_text(encoding="utf-8")
    return SUMMARIES.get(lang, SUMMARY)

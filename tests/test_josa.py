"""Korean particles follow the word before them, as a person writes them."""

from __future__ import annotations

import pytest

from assessment.i18n import gettext
from assessment.josa import attach


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("대한민국와(과) 부다페스트 협약", "대한민국과 부다페스트 협약"),
        ("일본와(과) 부다페스트 협약", "일본과 부다페스트 협약"),
        ("필리핀와(과)", "필리핀과"),
        ("독일와(과)", "독일과"),
        ("미국은(는) 당사국입니다", "미국은 당사국입니다"),
        ("형사소송법 제215조의2은(는) 시행되어야", "형사소송법 제215조의2는 시행되어야"),
        ("상태 '미비'은(는)", "상태 '미비'은(는)"),  # a quote mark cannot be read: both forms stay
        ("UN 협약(2024)을(를)", "UN 협약(2024)을"),
        ("제3조이(가)", "제3조가"),
        ("제16조을(를)", "제16조를"),
        ("2025년을(를)", "2025년을"),
        ("서울(으)로", "서울로"),
        ("부산(으)로", "부산으로"),
        ("ets185.res.6-3을(를)", "ets185.res.6-3을"),  # a final digit is read: 삼
        ("KOR은(는)", "KOR은"),
        ("minji이(가)", "minji가"),
        ("ETS을(를)", "ETS를"),
        ("paul(으)로", "paul로"),  # Latin: acronyms by letter, words by sure endings
        ("park이(가)", "park이(가)"),  # an ending whose Korean sound is not sure: left for the reader
    ],
)
def test_particles(text: str, expected: str) -> None:
    assert attach(text) == expected


def test_korean_messages_resolve_particles_when_filled_in() -> None:
    t = gettext("ko")
    assert (
        t("{country} and the {treaty}").format(country="대한민국", treaty="부다페스트 협약")
        == "대한민국과 부다페스트 협약"
    )
    assert (
        gettext("en")("{country} and the {treaty}").format(country="Korea", treaty="ETS 185") == "Korea and the ETS 185"
    )

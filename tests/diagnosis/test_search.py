"""The register search: name fragments in any case, credit-code fragments, full-width folded."""

import pytest

from diagnosis.filters import EnterpriseFilter
from diagnosis.models import Enterprise
from tests.factories import EnterpriseFactory, region

pytestmark = pytest.mark.django_db


def search(text: str) -> set[str]:
    return set(
        EnterpriseFilter({"q": text}, queryset=Enterprise.objects.all()).qs.values_list("name", flat=True)
    )


@pytest.fixture
def register():
    EnterpriseFactory(name="洪都ABC电子有限公司", county=region("360102"))
    EnterpriseFactory(name="章贡稀土有限公司", county=region("360702"))
    return {e.name: e for e in Enterprise.objects.all()}


def test_chinese_fragment_of_two_characters(register):
    assert search("电子") == {"洪都ABC电子有限公司"}
    assert search("有限公司") == {"洪都ABC电子有限公司", "章贡稀土有限公司"}


def test_latin_fragment_in_any_case_and_full_width(register):
    assert search("abc") == {"洪都ABC电子有限公司"}
    assert search("ＡｂＣ电") == {"洪都ABC电子有限公司"}


def test_credit_code_fragment_in_any_case(register):
    code = register["章贡稀土有限公司"].credit_code
    assert search(code[2:10].lower()) == {"章贡稀土有限公司"}
    assert search(f" {code} ") == {"章贡稀土有限公司"}


def test_nothing_matches_nothing(register):
    assert search("钢铁") == set()
    assert search("%") == set() and search("_") == set()

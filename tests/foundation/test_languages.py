"""The shared language table: codes resolve, unknown codes are named in the error."""

import pytest

from govloop.errors import InputError
from govloop.languages import CODES, get_language


def test_codes_resolve_with_region_and_case() -> None:
    assert get_language("pt-BR").code == "pt"
    assert get_language("ZH_Hans").locale == "zh_Hans"
    assert get_language("ar").direction == "rtl"
    assert get_language("en").direction == "ltr"
    assert CODES[:2] == ("zh", "en")


def test_unknown_code_names_value() -> None:
    with pytest.raises(InputError, match="'xx'"):
        get_language("xx")

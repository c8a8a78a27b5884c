"""Rule packs are data: loading, inheritance, validation of imported packs."""

from __future__ import annotations

import pytest

from photocheck import rules
from photocheck.errors import UsageError


def test_default_pack_has_the_documented_numbers():
    p = rules.load_pack()
    assert p.id == "nmec-2024-hubei"
    assert p.photo.max_bytes == 30000
    assert (p.photo.min_width, p.photo.min_height) == (190, 254)
    assert (p.photo.out_width, p.photo.out_height, p.photo.dpi) == (390, 567, 300)
    assert p.photo.head.height_pass == (0.58, 0.69)
    assert p.photo.tilt.max_deg == 8.0
    assert p.material.max_bytes == 500 * 1024 and p.material.fix_max_bytes == 500000


def test_second_pack_inherits_and_overrides():
    base, q = rules.load_pack(), rules.load_pack("preset-35x45")
    assert (q.photo.out_width, q.photo.out_height) == (413, 531)
    assert q.photo.aspect == pytest.approx(35 / 45, rel=1e-3)
    assert q.photo.head.fix_height != base.photo.head.fix_height
    assert q.photo.tilt == base.photo.tilt  # inherited
    assert q.material.max_bytes == base.material.max_bytes


def test_available_packs_lists_both():
    assert {"nmec-2024-hubei", "preset-35x45"} <= set(rules.available_packs())


def test_unknown_pack_is_a_usage_error():
    with pytest.raises(UsageError) as ei:
        rules.load_pack("no-such-pack")
    assert "nmec-2024-hubei" in ei.value.text.zh


def write(tmp_path, body: str):
    p = tmp_path / "custom.toml"
    p.write_text(body, encoding="utf-8")
    return p


def test_pack_file_by_path_with_extends(tmp_path):
    p = write(tmp_path, 'schema = 1\nextends = "nmec-2024-hubei"\n[pack]\nid = "x"\nversion = "1"\n'
                        'name_zh = "测"\nname_en = "t"\n[photo]\nmax_bytes = 20000\n')
    pack = rules.load_pack(str(p))
    assert pack.id == "x" and pack.photo.max_bytes == 20000 and pack.photo.out_width == 390


@pytest.mark.parametrize("body,needle", [
    ('schema = 1\nextends = "nmec-2024-hubei"\n[photo]\nmax_bytez = 1\n', "max_bytez"),
    ('schema = 1\nextends = "nmec-2024-hubei"\n[photo]\nmax_bytes = "big"\n', "max_bytes"),
    ('schema = 9\nextends = "nmec-2024-hubei"\n', "schema"),
    ('schema = 1\nextends = "nmec-2024-hubei"\n[photo.head]\nfix_height = 0.9\n', "fix_height"),
    ('schema = [\n', "syntax"),
])
def test_bad_imported_packs_are_reported(tmp_path, body, needle):
    with pytest.raises(rules.RulePackError) as ei:
        rules.load_pack_file(write(tmp_path, body))
    assert needle in ei.value.text.en

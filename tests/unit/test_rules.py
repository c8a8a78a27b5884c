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


# --- one typed schema for every table: the material checks' tables and the catalogue too ---

BASE = 'schema = 1\nextends = "nmec-2024-hubei"\n'


@pytest.mark.parametrize("body,where,needle_zh", [
    # a typo in a material check's table used to load silently and keep the inherited value
    ("[material.sharpness]\nwarn_edgee = 99\n", "material.sharpness.warn_edgee", "未知的键"),
    ("[material.document.kinds.diploma]\nkeywordz = { \"毕业\" = 1 }\n", "material.document.kinds.diploma.keywordz",
     "未知的键"),
    ("[material.fix]\npdf_max_pages = \"many\"\n", "material.fix.pdf_max_pages", "应为整数"),
    ("[material.exposure]\nmin_paper = true\n", "material.exposure.min_paper", "应为数字"),
    ("[material.document.kinds.diploma]\nkeywords = { \"毕业\" = \"heavy\" }\n",
     "material.document.kinds.diploma.keywords.毕业", "应为数字"),
    ("[material.fix]\nmin_quality = 96\n", "material.fix.min_quality", "取值不合理"),
    ("[material.sharpness]\nwarn_edge = 0.2\n", "material.sharpness.warn_edge", "取值不合理"),
    ("[material.profile.education]\ndefault = \"phd\"\n", "material.profile.education.default", "取值不合理"),
    ("[[material.slots]]\nid = \"x\"\nname_zh = \"x\"\nmin = 2\nmax = 1\n", "material.slots[0].max", "取值不合理"),
    ("[[material.slots]]\nid = \"x\"\nname_zh = \"x\"\nrequired_when = [{ educashun = [\"benke\"] }]\n",
     "material.slots[0].required_when", "educashun"),
    ("[[material.slots]]\nid = \"x\"\nname_zh = \"x\"\nkinds = [\"passport\"]\n", "material.slots[0].kinds",
     "passport"),
    ("[[material.slots]]\nid = \"x\"\nname_zh = \"x\"\nrequired_when = [{ education = [\"phd\"] }]\n",
     "material.slots[0].required_when.education", "phd"),
    ("[photo.head]\nheight_pass = [0.7, 0.6]\n", "photo.head.height_pass", "取值不合理"),
])
def test_every_table_is_validated_with_file_table_and_key(tmp_path, body, where, needle_zh):
    path = write(tmp_path, BASE + body)
    with pytest.raises(rules.RulePackError) as ei:
        rules.load_pack_file(path)
    text = ei.value.text
    assert str(path) in text.zh and str(path) in text.en  # the file
    assert where in text.zh and where in text.en          # the table and the key
    assert needle_zh in text.zh
    assert ei.value.exit_code == 2 and ei.value.code == "bad_rules"


def test_material_tables_are_typed_data():
    m = rules.load_pack().material
    assert m.sharpness.max_edge == 0.115 and isinstance(m.fix.pdf_max_pages, int)
    assert m.exposure.min_paper == 85.0 and isinstance(m.exposure.min_paper, float)
    kinds = [k.id for k in m.document.kind_specs]
    assert kinds == sorted(kinds) and "id_card_front" in kinds
    assert m.slots[0].id == "photo" and m.profile["education"].default == "benke"


def test_a_derived_pack_overrides_one_material_key(tmp_path):
    pack = rules.load_pack_file(write(tmp_path, BASE + "[material.sharpness]\nmax_edge = 0.2\n"))
    base = rules.load_pack()
    assert pack.material.sharpness.max_edge == 0.2
    assert pack.material.sharpness.warn_edge == base.material.sharpness.warn_edge
    assert pack.material.slots == base.material.slots

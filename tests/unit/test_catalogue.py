"""The materials checklist: seed profiles give exactly the seed's slots; bad profiles
are usage errors; ``photocheck materials`` prints and exports the list."""

from __future__ import annotations

import json

import pytest

from photocheck import catalogue, cli
from photocheck.errors import UsageError
from photocheck.rules import load_pack

STABLE_IDS = ["photo", "id_card", "diploma", "education_report", "degree", "degree_report",
              "supplementary_education", "assistant_physician_certificates", "first_registration_proof",
              "military_trial", "hmt_foreign_internship", "traditional_medicine_certificate",
              "fresh_graduate_pledge", "postgraduate_proofs", "shortage_specialty_application", "other"]
BASE = ["photo", "id_card", "diploma", "education_report", "degree", "degree_report"]


@pytest.fixture(scope="module")
def cat():
    return catalogue.load(load_pack())


def ids(cat, *items):
    return [s.id for s in cat.required_slots(catalogue.parse_profile(list(items), cat))]


def test_every_stable_slot_id_exists_in_order(cat):
    assert [s.id for s in cat.slots] == STABLE_IDS


def test_id_card_takes_exactly_two_distinct_sides(cat):
    s = cat.slot("id_card")
    assert (s.min, s.max, s.exact) == (2, 2, 2)
    assert s.distinct_kinds and set(s.kinds) == {"id_card_front", "id_card_back"}
    assert s.accepts(2) and not s.accepts(1) and not s.accepts(3)
    assert s.count_text().zh == "恰好 2 张"


def test_default_profile_full_time_bachelor_of_an_earlier_year(cat):
    assert ids(cat) == BASE


def test_fresh_bachelor_graduate(cat):
    # 应届本科: the usual certificates plus the 报考承诺书
    assert ids(cat, "education=benke", "graduating=yes") == BASE + ["fresh_graduate_pledge"]


def test_zhuanshengben_needs_both_levels(cat):
    assert ids(cat, "route=zhuanshengben") == BASE + ["supplementary_education"]


def test_three_plus_two_junior_college_not_full_time(cat):
    got = ids(cat, "education=zhuanke", "route=3+2")
    assert got == ["photo", "id_card", "diploma", "education_report", "supplementary_education"]


def test_assistant_physician_applying_for_physician(cat):
    assert ids(cat, "assistant_to_physician=yes") == BASE + ["assistant_physician_certificates"]
    assert ids(cat, "assistant_to_physician=yes", "registration_mismatch=yes") == \
        BASE + ["assistant_physician_certificates", "first_registration_proof"]
    assert cat.slot("assistant_physician_certificates").min >= 2


def test_military_candidate_needs_four_probation_documents(cat):
    assert ids(cat, "military=yes") == BASE + ["military_trial"]
    s = cat.slot("military_trial")
    assert s.min == 4 and s.max is None and s.count_text().en == "at least 4"


@pytest.mark.parametrize("origin", ["hmt", "foreign"])
def test_hong_kong_macao_taiwan_and_foreign_candidates(cat, origin):
    assert ids(cat, f"origin={origin}") == BASE + ["hmt_foreign_internship"]


def test_postgraduate_graduating_this_year(cat):
    assert ids(cat, "education=postgraduate", "graduating=yes") == \
        BASE + ["supplementary_education", "fresh_graduate_pledge", "postgraduate_proofs"]
    assert cat.slot("postgraduate_proofs").min == 3


def test_part_time_bachelor_has_no_degree_slots(cat):
    assert ids(cat, "full_time=no") == ["photo", "id_card", "diploma", "education_report"]


def test_traditional_medicine_and_shortage_specialty(cat):
    assert ids(cat, "traditional=shicheng", "education=none") == \
        ["photo", "id_card", "traditional_medicine_certificate"]
    assert ids(cat, "shortage_specialty=yes") == BASE + ["shortage_specialty_application"]


def test_values_accept_chinese_labels_and_yes_no_words(cat):
    p = catalogue.parse_profile(["education=本科", "military=是", "graduating=否", "full_time=true"], cat)
    assert (p["education"], p["military"], p["graduating"], p["full_time"]) == ("benke", "yes", "no", "yes")
    assert catalogue.parse_profile({"military": True}, cat)["military"] == "yes"
    assert catalogue.parse_profile(["education=硕士"], cat)["education"] == "postgraduate"


@pytest.mark.parametrize("items,needle", [
    (["colour=red"], "unknown profile key"),
    (["education=phd-ish"], "invalid value for education"),
    (["military"], "KEY=VALUE"),
    (["=yes"], "without a key"),
    (["military=yes", "military=no"], "twice"),
    (["route=3+2"], "inconsistent"),
    (["registration_mismatch=yes"], "inconsistent"),
])
def test_bad_profiles_are_usage_errors(cat, items, needle):
    with pytest.raises(UsageError) as e:
        catalogue.parse_profile(items, cat)
    assert e.value.exit_code == 2 and needle in e.value.text.en and e.value.text.zh


def test_profile_from_json_file(tmp_path, cat):
    p = tmp_path / "me.json"
    p.write_text(json.dumps({"education": "benke", "graduating": "yes"}), encoding="utf-8")
    assert ids(cat, str(p)) == BASE + ["fresh_graduate_pledge"]
    bad = tmp_path / "bad.json"
    bad.write_text("{not json", encoding="utf-8")
    with pytest.raises(UsageError):
        catalogue.parse_profile([str(bad)], cat)
    with pytest.raises(UsageError):
        catalogue.parse_profile([str(tmp_path / "missing.json")], cat)


def test_parse_profile_accepts_a_pack_as_second_argument():
    prof = catalogue.parse_profile(["military=yes"], load_pack())
    assert prof["military"] == "yes"


def test_kind_matching_for_the_submission_module(cat):
    assert cat.slot("diploma").kind_matches("diploma") is True
    assert cat.slot("diploma").kind_matches("id_card_front") is False
    assert cat.slot("diploma").kind_matches("unknown") is None
    assert cat.slot("other").kind_matches("diploma") is None


def run(capsys, *argv):
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, out, err


def test_cli_materials_text_and_json(capsys):
    code, out, _ = run(capsys, "materials", "--profile", "military=yes")
    assert code == 0 and "身份证明" in out and "military_trial" in out and "至少 4 张" in out
    code, out, _ = run(capsys, "materials", "--json", "--profile", "graduating=yes", "--profile", "origin=hmt")
    data = json.loads(out)
    assert code == 0 and [s["id"] for s in data["slots"]] == BASE + ["hmt_foreign_internship", "fresh_graduate_pledge"]
    assert data["profile"]["origin"] == "hmt"
    idc = next(s for s in data["slots"] if s["id"] == "id_card")
    assert idc["min"] == idc["max"] == 2
    assert any("500 KB" in r for r in data["requirements"])
    code, out, _ = run(capsys, "materials", "--lang", "en")
    assert code == 0 and "Proof of identity" in out and "exactly 2" in out and "Upright" in out


def test_cli_materials_keys(capsys):
    code, out, _ = run(capsys, "materials", "--keys")
    assert code == 0 and "education" in out and "zhuanshengben" in out
    code, out, _ = run(capsys, "materials", "--keys", "--json")
    keys = {k["key"]: k for k in json.loads(out)["keys"]}
    assert {"education", "full_time", "route", "graduating", "assistant_to_physician", "military", "origin",
            "traditional", "shortage_specialty"} <= set(keys)
    assert keys["military"]["default"] == "no"


def test_cli_materials_bad_profile_exit_2(capsys):
    code, _, err = run(capsys, "materials", "--profile", "planet=mars")
    assert code == 2 and "planet" in err and "未知" in err

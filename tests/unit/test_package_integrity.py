"""What a package says cannot be edited behind the tool's back, and nothing is written outside it.

Issue 12's reproductions first (each failed before the history was chained, the
decisions signed and links refused), then forgeries that recompute the chain,
signatures and trust files, version 1 packages, containment case by case, and the
damaged manifests. The package rules run on the stand-in checker with the real
catalogue's default profile (photo, ID front and back, diploma, education report,
degree, degree report).
"""

from __future__ import annotations

import copy
import errno
import hashlib
import json
import os
import shutil
import stat
import sys
import uuid
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "e2e"))
import samples  # noqa: E402

from photocheck import cli  # noqa: E402
from photocheck.errors import IntegrityError  # noqa: E402
from photocheck.rules import load_pack  # noqa: E402
from photocheck.submission import package, review, signing, store  # noqa: E402

# The default profile's slots, and the file names the stand-in checker reads a kind from.
FILES = {"photo": [("photo.jpg", None)], "id_card": [("idcard_front.jpg", (200, 210, 220)),
                                                     ("idcard_back.jpg", (210, 220, 230))],
         "diploma": [("diploma_1.jpg", (230, 225, 215))], "education_report": [("report_1.jpg", (225, 230, 215))],
         "degree": [("degree_1.jpg", (215, 230, 225))], "degree_report": [("report_2.jpg", (215, 225, 230))]}


@pytest.fixture
def fake(monkeypatch):
    samples.install_fake_checks(monkeypatch.setattr)


@pytest.fixture
def inputs(tmp_path):
    d = tmp_path / "in"
    d.mkdir()
    out = {slot: [samples.sealed_plain_jpeg(d / n) if c is None else samples.plain_jpeg(d / n, c) for n, c in items]
           for slot, items in FILES.items()}
    out["extra"] = [samples.plain_jpeg(d / "idcard_extra.jpg", (190, 200, 205))]
    return out


def run(capsys, *argv: object) -> tuple[int, str, str]:
    capsys.readouterr()
    rc = cli.main([str(a) for a in argv])
    cap = capsys.readouterr()
    return rc, cap.out, cap.err


def editing_package(path: Path, inputs: dict) -> Path:
    with package.create(path, candidate_name="张三") as pkg:
        for slot in FILES:
            pkg.add(slot, [str(f) for f in inputs[slot]])
    return path


@pytest.fixture
def submitted(tmp_path, fake, inputs, capsys):
    p = editing_package(tmp_path / "pkg", inputs)
    assert run(capsys, "package", "submit", p)[0] == 0
    return p


def manifest(p: Path) -> dict:
    return json.loads((p / "manifest.json").read_text("utf-8"))


def write_manifest(p: Path, m: dict) -> None:
    (p / "manifest.json").write_text(json.dumps(m, ensure_ascii=False, indent=2), encoding="utf-8")


def rechain(m: dict) -> dict:
    """What a forger with the tool's source does: renumber and re-hash every event."""
    from photocheck.submission.manifest import canonical

    prev = ""
    for i, ev in enumerate(m["history"], 1):
        ev["seq"], ev["prev"] = i, prev
        body = {k: ev.get(k) for k in ("seq", "at", "actor", "by", "action", "slot", "index", "files", "details",
                                       "prev")}
        ev["hash"] = prev = hashlib.sha256(canonical(body)).hexdigest()
    return m


def files_under(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file())


def assert_add_refused(capsys, p: Path, slot: str, src: Path) -> None:
    before = (p / "manifest.json").read_bytes()
    stored = files_under(p)
    rc, _, err = run(capsys, "package", "add", p, "--slot", slot, src)
    assert rc == 4, err
    assert "Traceback" not in err
    assert (p / "manifest.json").read_bytes() == before
    assert files_under(p) == stored


# --- issue 12's reproductions ---------------------------------------------------------------------------

def test_repro1_unlocking_a_submitted_package_by_hand(submitted, inputs, capsys):
    m = manifest(submitted)
    m["state"] = "editing"
    for s in m["slots"]:
        s["state"] = "unlocked"
    write_manifest(submitted, m)
    rc, out, err = run(capsys, "package", "verify", submitted)
    assert rc == 4 and "manifest.state" in err
    assert_add_refused(capsys, submitted, "other", inputs["extra"][0])


def test_repro2_forged_acceptance(submitted, capsys):
    m = manifest(submitted)
    m["state"] = "accepted"
    decision = {"decision": "accepted", "by": "李审核", "at": "2024-01-11T09:12:05Z", "reason": None, "reason_id": None}
    for s in m["slots"]:
        s["review"] = dict(decision) if s["files"] else None
        for f in s["files"]:
            f["review"] = dict(decision)
        if s["files"]:
            m["history"].append({"at": decision["at"], "actor": "reviewer", "by": "李审核", "action": "accept",
                                 "details": {"target": s["id"]}})
    write_manifest(submitted, m)
    rc, _, err = run(capsys, "package", "verify", submitted)
    assert rc == 4 and "Traceback" not in err
    rc, out, err = run(capsys, "package", "status", submitted)
    assert rc == 4 and "审核通过" not in out


def test_repro3_edited_counts(submitted, inputs, capsys):
    p = submitted
    m = manifest(p)
    ids = next(s for s in m["slots"] if s["id"] == "id_card")
    ids["min"], ids["max"] = 3, 3
    write_manifest(p, m)
    rc, _, err = run(capsys, "package", "verify", p)
    assert rc == 4 and "manifest.slots[2].min" in err
    assert_add_refused(capsys, p, "id_card", inputs["extra"][0])


def test_repro3_emptied_history(submitted, inputs, capsys):
    m = manifest(submitted)
    m["history"] = []
    write_manifest(submitted, m)
    rc, _, err = run(capsys, "package", "verify", submitted)
    assert rc == 4 and "history" in err
    assert_add_refused(capsys, submitted, "other", inputs["extra"][0])


def test_repro4_a_slot_folder_linked_outside_is_refused(tmp_path, fake, inputs, capsys):
    p = tmp_path / "ed"
    with package.create(p) as pkg:
        pkg.add("photo", [str(inputs["photo"][0])])
    outside = tmp_path / "outside"
    outside.mkdir()
    os.symlink(outside, p / "files" / "other")
    rc, _, err = run(capsys, "package", "add", p, "--slot", "other", inputs["extra"][0])
    assert rc == 4 and "files/other" in err
    assert list(outside.iterdir()) == []


def test_repro6_a_deeply_nested_manifest_is_damaged(tmp_path, capsys):
    p = tmp_path / "deep"
    p.mkdir()
    (p / "manifest.json").write_text("[" * 200_000, encoding="utf-8")
    rc, out, err = run(capsys, "package", "verify", p, "--json")
    assert rc == 4 and "Traceback" not in err
    assert json.loads(out)["error"]["code"] == "damaged"
    assert run(capsys, "package", "status", p)[0] == 4


# --- damaged manifests ------------------------------------------------------------------------------------

def test_nested_but_parseable_and_too_large_manifests_are_damaged(tmp_path, capsys):
    p = tmp_path / "m"
    p.mkdir()
    (p / "manifest.json").write_text('{"schema": "photocheck-package", "version": 2, "x": ' + "[" * 100 + "]" * 100 + "}",
                                     encoding="utf-8")
    rc, out, err = run(capsys, "package", "status", p, "--json")
    assert rc == 4 and json.loads(out)["error"]["code"] == "damaged" and "Traceback" not in err
    (p / "manifest.json").write_bytes(b'{"pad": "' + b"x" * (store.MANIFEST_MAX_BYTES + 10) + b'"}')
    rc, out, err = run(capsys, "package", "status", p, "--json")
    assert rc == 4 and json.loads(out)["error"]["code"] == "damaged" and "Traceback" not in err


def test_a_field_of_the_wrong_type_in_an_event_is_damaged(submitted, capsys):
    m = manifest(submitted)
    m["history"][1]["files"] = "files/photo/x.jpg"
    write_manifest(submitted, m)
    rc, _, err = run(capsys, "package", "verify", submitted)
    assert rc == 4 and "history[2]" in err and "Traceback" not in err


# --- forgeries that recompute the chain ---------------------------------------------------------------

def test_an_edited_event_breaks_its_hash_and_a_removed_one_the_chain(submitted, capsys):
    m = manifest(submitted)
    edited = copy.deepcopy(m)
    edited["history"][2]["files"][0]["original"] = "other.jpg"
    write_manifest(submitted, edited)
    rc, _, err = run(capsys, "package", "verify", submitted)
    assert rc == 4 and "history[3]" in err and "hash" in err
    removed = copy.deepcopy(m)
    del removed["history"][2]
    write_manifest(submitted, removed)
    rc, _, err = run(capsys, "package", "verify", submitted)
    assert rc == 4 and "history[4]" in err and "seq" in err


def test_rechained_add_to_a_locked_slot_is_refused(submitted, inputs, capsys):
    """A forger who re-hashes everything still cannot add to a submitted package."""
    m = manifest(submitted)
    other = next(s for s in m["slots"] if s["id"] == "other")
    data = inputs["extra"][0].read_bytes()
    sha = hashlib.sha256(data).hexdigest()
    entry = {**m["slots"][1]["files"][0], "name": f"files/other/{sha[:16]}.jpg", "sha256": sha, "size": len(data)}
    entry.pop("review", None)
    m["history"].append({"at": "2024-01-12T00:00:00Z", "actor": "candidate", "by": None, "action": "add",
                         "slot": "other", "index": None, "files": [entry], "details": {}, "signature": None})
    other["files"].append({**entry, "review": None})
    (submitted / "files" / "other").mkdir(parents=True, exist_ok=True)
    (submitted / entry["name"]).write_bytes(data)
    write_manifest(submitted, rechain(m))
    rc, _, err = run(capsys, "package", "verify", submitted)
    assert rc == 4 and f"history[{len(m['history'])}] (add)" in err and "locked" in err


def test_rechained_unsafe_file_name_is_refused(tmp_path, fake, inputs, capsys):
    p = editing_package(tmp_path / "pkg", inputs)
    m = manifest(p)
    m["history"][1]["files"][0]["name"] = "files/photo/../../../evil.jpg"
    write_manifest(p, rechain(m))
    rc, _, err = run(capsys, "package", "status", p)
    assert rc == 4 and "history[2]" in err and "Traceback" not in err


def test_unsigned_review_event_is_refused(submitted, capsys):
    m = manifest(submitted)
    photo = next(s for s in m["slots"] if s["id"] == "photo")
    m["history"].append({"at": "2024-01-12T00:00:00Z", "actor": "reviewer", "by": "李审核", "action": "review",
                         "slot": None, "index": None, "files": [], "signature": None,
                         "details": {"decisions": [{"action": "accept", "slot": "photo", "index": None,
                                                    "files": [{"name": f["name"], "sha256": f["sha256"]}
                                                              for f in photo["files"]]}]}})
    write_manifest(submitted, rechain(m))
    rc, _, err = run(capsys, "package", "verify", submitted)
    assert rc == 4 and "not signed" in err


def test_a_signed_rejection_turned_into_an_acceptance_fails_its_signature(submitted, capsys):
    assert run(capsys, "package", "review", submitted, "--reject", "diploma:1", "--reason", "blurry")[0] == 0
    m = manifest(submitted)
    ev = m["history"][-1]
    ev["details"]["decisions"][0]["action"] = "accept"
    write_manifest(submitted, rechain(m))
    rc, _, err = run(capsys, "package", "verify", submitted)
    assert rc == 4 and "signature" in err


def test_reopening_by_removing_the_submission_breaks_a_later_signature(submitted, inputs, capsys):
    assert run(capsys, "package", "review", submitted, "--accept", "photo")[0] == 0
    m = manifest(submitted)
    m["history"] = [e for e in m["history"] if e["action"] != "submit"]
    for s in m["slots"]:
        s["state"] = "unlocked"
    m["state"] = "editing"
    write_manifest(submitted, rechain(m))
    assert run(capsys, "package", "verify", submitted)[0] == 4
    assert_add_refused(capsys, submitted, "other", inputs["extra"][0])


# --- signatures and trust -------------------------------------------------------------------------------

@pytest.fixture
def office(tmp_path):
    """The exam office's reviewer (key in the trust file) and a candidate's own key."""
    reviewer = signing.load_or_create(tmp_path / "office-reviewer")
    forger = signing.load_or_create(tmp_path / "candidate-key")
    trust = tmp_path / "trusted.txt"
    trust.write_text("# 考务机构 / exam office\n" + signing.trust_line(reviewer.public_hex, "李审核") + "\n",
                     encoding="utf-8")
    return reviewer, forger, trust


def accept_all(p: Path, key: signing.ReviewerKey, reviewer: str = "李审核") -> None:
    with package.open_package(p, write=True) as pkg:
        ds = [review.Decision("accept", s.id) for s in pkg.manifest.slots if s.files]
        assert review.apply(pkg, ds, reviewer=reviewer, key=key).state.value == "accepted"


def test_a_decision_signed_by_a_key_outside_the_trust_file_is_unverified(submitted, office, capsys):
    _reviewer, forger, trust = office
    accept_all(submitted, forger)          # a candidate with the tool and a key of their own
    rc, out, _ = run(capsys, "package", "verify", submitted, "--no-recheck", "--json")
    res = json.loads(out)
    assert rc == 0 and {d["status"] for d in res["decisions"]} == {"unverified"}    # no trust file: not verified
    rc, out, err = run(capsys, "package", "verify", submitted, "--no-recheck", "--trusted-keys", trust, "--json")
    res = json.loads(out)
    assert rc == 4 and not res["intact"]
    assert {d["status"] for d in res["decisions"]} == {"untrusted"}
    assert {p["code"] for p in res["problems"]} == {"unverified_decision"}
    rc, out, _ = run(capsys, "package", "status", submitted, "--trusted-keys", trust)
    assert rc == 0 and "审核通过（审核决定未验证）" in out
    st = json.loads(run(capsys, "package", "status", submitted, "--trusted-keys", trust, "--json")[1])
    assert st["state"] == "accepted" and st["decisions_verified"] is False


def test_a_decision_signed_by_a_trusted_key_is_verified(submitted, office, capsys, monkeypatch):
    reviewer, _forger, trust = office
    accept_all(submitted, reviewer, reviewer="王某")    # the name typed does not matter; the key does
    monkeypatch.setenv(signing.TRUST_ENV, str(trust))   # the trust file given by the environment
    rc, out, err = run(capsys, "package", "verify", submitted, "--no-recheck", "--json")
    res = json.loads(out)
    assert rc == 0, err
    assert res["decisions"] and all(d["verified"] and d["signer"] == "李审核" for d in res["decisions"])
    assert res["trust_file"] == str(trust)


def test_trust_file_from_the_settings(tmp_path, monkeypatch, office):
    _reviewer, _forger, trust = office
    monkeypatch.delenv(signing.TRUST_ENV)
    monkeypatch.setattr(signing, "_user_config_dir", lambda: tmp_path / "config")
    assert signing.configured_trust_path() is None
    (tmp_path / "config").mkdir()
    (tmp_path / "config" / signing.SETTINGS_FILE).write_text(f'[review]\ntrusted_keys = "{trust.as_posix()}"\n',
                                                             encoding="utf-8")
    assert signing.trust_for(None).source == str(Path(trust.as_posix()))
    monkeypatch.setenv(signing.TRUST_ENV, "")          # set but empty: no trust file at all
    assert signing.trust_for(None) is None


def test_a_bad_trust_file_is_an_input_error(submitted, tmp_path, capsys):
    bad = tmp_path / "bad.txt"
    bad.write_text("ed25519:nothex 张\n", encoding="utf-8")
    rc, _, err = run(capsys, "package", "verify", submitted, "--trusted-keys", bad)
    assert rc == 3 and "第 1 行" in err
    assert run(capsys, "package", "verify", submitted, "--trusted-keys", tmp_path / "none.txt")[0] == 3


def test_reviewer_key_is_made_once_and_kept_private(tmp_path, capsys):
    d = tmp_path / "keys"
    k1 = signing.load_or_create(d)
    assert signing.load_or_create(d).public_hex == k1.public_hex
    if os.name != "nt":
        assert stat.S_IMODE(os.stat(d / signing.KEY_FILE).st_mode) == 0o600
    msg = b"hello"
    assert signing.verify_signature(k1.public_hex, msg, k1.sign(msg))
    assert not signing.verify_signature(k1.public_hex, b"hellO", k1.sign(msg))
    assert not signing.verify_signature(signing.ReviewerKey.generate().public_hex, msg, k1.sign(msg))
    rc, out, _ = run(capsys, "package", "key", "--key", d / signing.KEY_FILE, "--name", "李审核")
    assert rc == 0 and out.strip() == f"ed25519:{k1.public_hex} 李审核"
    (d / signing.KEY_FILE).write_text("not a key\n", encoding="ascii")
    assert run(capsys, "package", "key", "--key", d / signing.KEY_FILE)[0] == 3


def test_cli_review_signs_with_the_users_key(submitted, capsys):
    assert run(capsys, "package", "review", submitted, "--accept", "photo", "--reviewer", "李审核")[0] == 0
    ev = manifest(submitted)["history"][-1]
    line = run(capsys, "package", "key")[1].strip()
    assert ev["signature"]["key"] == line.split()[0].removeprefix("ed25519:")


# --- version 1 packages ---------------------------------------------------------------------------------

def v1_package(path: Path, inputs: dict, *, state: str, slot_state: str, review_by: str | None) -> Path:
    """A package as photocheck wrote it before the history was chained (schema version 1)."""
    from photocheck.submission import slots as slotsmod

    pack = load_pack()
    profile = slotsmod.parse_profile(None, pack)[1]
    decision = {"decision": "accepted", "by": review_by, "at": "2024-01-11T09:12:05Z", "reason": None,
                "reason_id": None} if review_by else None
    slots = []
    for spec in package.specs_for(pack)(profile):
        entries = []
        for src in inputs.get(spec.id, []) if spec.id in FILES else []:
            data = src.read_bytes()
            sha = hashlib.sha256(data).hexdigest()
            name = f"files/{spec.id}/{sha[:16]}.jpg"
            (path / name).parent.mkdir(parents=True, exist_ok=True)
            (path / name).write_bytes(data)
            entries.append({"name": name, "original": src.name, "sha256": sha, "size": len(data),
                            "added_at": "2024-01-10T14:05:01Z", "fixed": False,
                            "check": {"kind": spec.check_kind, "passed": True, "rules": pack.label, "failing": [],
                                      "warnings": [], "error": None, "checked_at": "2024-01-10T14:05:01Z"},
                            "seal": "intact" if spec.id == "photo" else None, "document_kind": None,
                            "warnings": [], "review": decision})
        slots.append({**spec.to_json(), "state": slot_state, "review": decision if entries else None,
                      "changed_since_return": False, "files": entries})
    m = {"schema": "photocheck-package", "version": 1, "package_id": str(uuid.uuid4()), "tool": "photocheck 0.1.0",
         "created": "2024-01-10T14:03:22Z", "updated": "2024-01-11T09:12:05Z",
         "candidate": {"name": "张三", "registration_no": None}, "profile": profile,
         "rules": {"id": pack.info.id, "version": pack.info.version}, "state": state, "slots": slots,
         "history": [{"at": "2024-01-10T14:03:22Z", "actor": "candidate", "by": "张三", "action": "init",
                      "details": {}}]}
    write_manifest(path, m)
    return path


def test_a_version1_package_loads_and_its_decisions_stay_unverified(tmp_path, fake, inputs, office, capsys):
    reviewer, _forger, trust = office
    p = tmp_path / "old"
    p.mkdir()
    v1_package(p, inputs, state="accepted", slot_state="locked", review_by="李审核")
    st = json.loads(run(capsys, "package", "status", p, "--json")[1])
    assert st["state"] == "accepted" and st["legacy"] is True
    assert {d["status"] for d in st["decisions"]} == {"unsigned"} and st["decisions_verified"] is False
    rc, out, _ = run(capsys, "package", "verify", p)
    assert rc == 0 and "未验证" in out               # the files verify by hash and seal
    rc, out, _ = run(capsys, "package", "verify", p, "--trusted-keys", trust, "--json")
    assert rc == 4 and {d["status"] for d in json.loads(out)["decisions"]} == {"unsigned"}
    # a changed file is still found by its hash
    name = st["slots"][2]["files"][0]["name"]
    (p / name).write_bytes((p / name).read_bytes() + b"x")
    rc, _, err = run(capsys, "package", "verify", p, "--no-recheck")
    assert rc == 4 and name in err


def test_a_version1_package_is_written_as_a_chain_that_keeps_its_decisions_unsigned(tmp_path, fake, inputs, office,
                                                                                     capsys):
    reviewer, _forger, trust = office
    p = tmp_path / "old"
    p.mkdir()
    v1_package(p, {k: v for k, v in inputs.items() if k != "degree_report"}, state="needs_changes",
               slot_state="returned", review_by="李审核")
    m = manifest(p)
    for s in m["slots"]:                     # accepted files in returned slots, as v1 allowed
        s["review"] = None
    write_manifest(p, m)
    with package.open_package(p, write=True) as pkg:
        pkg.add("degree_report", [str(inputs["degree_report"][0])])
        pkg.submit()
    m = manifest(p)
    assert m["version"] == 2 and [e["action"] for e in m["history"]] == ["import", "add", "submit"]
    with package.open_package(p, write=True) as pkg:
        review.apply(pkg, [review.Decision("accept", "degree_report")], reviewer="李审核", key=reviewer)
    st = json.loads(run(capsys, "package", "status", p, "--trusted-keys", trust, "--json")[1])
    by_status = {d["target"]: d["status"] for d in st["decisions"]}
    assert by_status["degree_report"] == "verified" and by_status["photo:1"] == "unsigned"
    assert run(capsys, "package", "verify", p, "--no-recheck", "--trusted-keys", trust)[0] == 4


# --- containment: no link anywhere in a package -----------------------------------------------------------

def test_a_linked_files_folder_is_refused(tmp_path, fake, inputs, capsys):
    p = editing_package(tmp_path / "pkg", inputs)
    outside = tmp_path / "outside"
    shutil.move(str(p / "files"), outside)
    os.symlink(outside, p / "files")
    rc, _, err = run(capsys, "package", "status", p)
    assert rc == 4 and "files" in err and "symbolic link" in err


def test_a_linked_manifest_is_refused(tmp_path, fake, inputs, capsys):
    p = editing_package(tmp_path / "pkg", inputs)
    real = tmp_path / "elsewhere.json"
    shutil.move(str(p / "manifest.json"), real)
    os.symlink(real, p / "manifest.json")
    before = real.read_bytes()
    rc, _, err = run(capsys, "package", "verify", p)
    assert rc == 4 and "manifest.json" in err
    assert run(capsys, "package", "remove", p, "--slot", "diploma", "--index", "1")[0] == 4
    assert real.read_bytes() == before


def test_a_linked_lock_file_is_refused_and_its_target_untouched(tmp_path, fake, inputs, capsys):
    p = editing_package(tmp_path / "pkg", inputs)
    target = tmp_path / "precious.txt"
    target.write_text("keep me", encoding="utf-8")
    os.unlink(p / store.LOCK_NAME)
    os.symlink(target, p / store.LOCK_NAME)
    rc, _, err = run(capsys, "package", "remove", p, "--slot", "diploma", "--index", "1")
    assert rc == 4 and store.LOCK_NAME in err
    assert target.read_text(encoding="utf-8") == "keep me"


def test_a_stray_link_anywhere_in_the_tree_is_refused(tmp_path, fake, inputs, capsys):
    p = editing_package(tmp_path / "pkg", inputs)
    os.symlink("/", p / "files" / "diploma" / ".hidden")
    rc, _, err = run(capsys, "package", "status", p)
    assert rc == 4 and "files/diploma/.hidden" in err


def test_a_linked_zip_package_is_refused(tmp_path, fake, inputs, capsys):
    p = editing_package(tmp_path / "pkg", inputs)
    real = tmp_path / "real.zip"
    shutil.make_archive(str(real.with_suffix("")), "zip", p)
    os.symlink(real, tmp_path / "link.zip")
    rc, _, err = run(capsys, "package", "status", tmp_path / "link.zip")
    assert rc == 4 and "link.zip" in err
    assert run(capsys, "package", "status", real)[0] == 0


class FakeStat:
    """What os.lstat reports on Windows for a folder that is a reparse point."""

    def __init__(self, real: os.stat_result, tag: int):
        self.st_mode = real.st_mode
        self.st_file_attributes = store.FILE_ATTRIBUTE_REPARSE_POINT
        self.st_reparse_tag = tag


def _reparse(monkeypatch, path: Path, tag: int) -> None:
    real_lstat = os.lstat
    monkeypatch.setattr(os, "lstat", lambda p, *a, **k: FakeStat(real_lstat(p), tag)
                        if os.fspath(p) == str(path) else real_lstat(p, *a, **k))


def test_a_junction_is_refused(tmp_path, fake, inputs, monkeypatch):
    p = editing_package(tmp_path / "pkg", inputs)
    _reparse(monkeypatch, Path(os.path.realpath(p)) / "files" / "diploma", 0xA0000003)   # IO_REPARSE_TAG_MOUNT_POINT
    with pytest.raises(IntegrityError) as e:
        package.open_package(p)
    assert e.value.code == "symlink" and "files/diploma" in e.value.text.en


def test_a_cloud_placeholder_is_not_a_link(tmp_path, fake, inputs, monkeypatch):
    p = editing_package(tmp_path / "pkg", inputs)
    _reparse(monkeypatch, Path(os.path.realpath(p)) / "files" / "diploma", 0x9000601A)   # IO_REPARSE_TAG_CLOUD_6
    assert package.open_package(p).verify(recheck=False).exit_code == 0


@pytest.mark.skipif(os.name != "nt", reason="junctions exist on Windows only")
def test_a_real_junction_is_refused(tmp_path, fake, inputs, capsys):  # pragma: no cover - Windows
    import _winapi

    p = editing_package(tmp_path / "pkg", inputs)
    outside = tmp_path / "outside"
    outside.mkdir()
    shutil.rmtree(p / "files" / "diploma")
    _winapi.CreateJunction(str(outside), str(p / "files" / "diploma"))
    rc, _, err = run(capsys, "package", "add", p, "--slot", "diploma", inputs["extra"][0])
    assert rc == 4 and list(outside.iterdir()) == []


# --- what held before ---------------------------------------------------------------------------------

def test_disk_full_during_add_leaves_the_package_as_it_was(tmp_path, fake, inputs, capsys, monkeypatch):
    p = editing_package(tmp_path / "pkg", inputs)
    before = (p / "manifest.json").read_bytes()

    def full(_fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", full)
    rc, _, err = run(capsys, "package", "add", p, "--slot", "other", inputs["extra"][0])
    monkeypatch.undo()
    assert rc == 3 and "Traceback" not in err
    assert (p / "manifest.json").read_bytes() == before
    assert not [n for n in files_under(p) if n.endswith(".tmp")]
    assert run(capsys, "package", "verify", p, "--no-recheck")[0] == 0


def test_a_read_only_package_folder_is_an_output_error(tmp_path, fake, inputs, capsys, monkeypatch):
    p = editing_package(tmp_path / "pkg", inputs)
    before = (p / "manifest.json").read_bytes()
    real_access = os.access
    monkeypatch.setattr(os, "access", lambda path, mode, **kw: False if mode & os.W_OK else real_access(path, mode))
    rc, _, err = run(capsys, "package", "add", p, "--slot", "other", inputs["extra"][0])
    monkeypatch.undo()
    assert rc == 3 and "Traceback" not in err
    assert (p / "manifest.json").read_bytes() == before


def test_record_refuses_what_a_replay_would_and_leaves_the_package_as_it_was(tmp_path, fake, inputs):
    from photocheck.submission.manifest import Actor

    p = editing_package(tmp_path / "pkg", inputs)
    data = inputs["extra"][0].read_bytes()
    sha = hashlib.sha256(data).hexdigest()
    with package.open_package(p, write=True) as pkg:
        third = {**pkg.slot("id_card").files[0].record(), "name": f"files/id_card/{sha[:16]}.jpg", "sha256": sha,
                 "size": len(data)}
        before = (pkg.manifest.view_json(), len(pkg.manifest.history))
        with pytest.raises(IntegrityError) as e:
            pkg.record("add", Actor.CANDIDATE, slot="id_card", files=[third])   # a third ID image
        assert "holds more than 2" in e.value.text.en
        assert (pkg.manifest.view_json(), len(pkg.manifest.history)) == before
        pkg.remove("id_card", 2)                       # and it still works as before
    assert len(package.open_package(p).slot("id_card").files) == 1

"""Submission packages: slot rules, refusals, states, integrity, locking, crash safety.

The package rules are tested with a stand-in checker (red images fail) so they do
not depend on the real checks; tests/e2e runs the whole story on the real ones.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import time
import zipfile
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "e2e"))
import samples  # noqa: E402

from photocheck import cli  # noqa: E402
from photocheck.errors import IntegrityError, RefusedError, UsageError  # noqa: E402
from photocheck.submission import package  # noqa: E402
from photocheck.submission.manifest import PackageState, SlotState  # noqa: E402

REPO = Path(__file__).resolve().parents[2]
PY = sys.executable

SPECS = samples.small_specs()
E2E = str(Path(samples.__file__).parent)


@pytest.fixture
def fake(monkeypatch):
    """The stand-in checker and catalogue."""
    samples.install_fake_checks(monkeypatch.setattr)
    samples.install_catalogue(SPECS, monkeypatch.setattr)


@pytest.fixture
def files(tmp_path):
    d = tmp_path / "in"
    d.mkdir()
    return {
        "photo": samples.sealed_plain_jpeg(d / "photo.jpg"),
        "unsealed": samples.plain_jpeg(d / "unsealed.jpg", size=(390, 567)),
        "front": samples.plain_jpeg(d / "idcard_front.jpg", (200, 210, 220)),
        "back": samples.plain_jpeg(d / "idcard_back.jpg", (210, 220, 230)),
        "third": samples.plain_jpeg(d / "idcard_third.jpg", (190, 200, 205)),
        "diploma": samples.plain_jpeg(d / "diploma_1.jpg", (230, 225, 215)),
        "red": samples.red_jpeg(d / "blurry.jpg"),
    }


def new_pkg(path: Path, **kw) -> package.Package:
    return package.create(path, **kw)


def filled(path: Path, files: dict) -> Path:
    with new_pkg(path) as pkg:
        pkg.add("photo", [str(files["photo"])])
        pkg.add("id_card", [str(files["front"]), str(files["back"])])
        pkg.add("diploma", [str(files["diploma"])])
    return path


def run_cli(*argv: str) -> int:
    return cli.main(list(argv))


# --- creating and adding ---------------------------------------------------------------------------

def test_create_writes_a_versioned_manifest(tmp_path, fake):
    with new_pkg(tmp_path / "p", candidate_name="张三", registration_no="2024123456"):
        pass
    m = json.loads((tmp_path / "p" / "manifest.json").read_text("utf-8"))
    assert m["schema"] == "photocheck-package" and m["version"] == 2
    assert m["candidate"] == {"name": "张三", "registration_no": "2024123456"}
    assert m["rules"]["id"] == "nmec-2024-hubei" and m["rules"]["version"]
    assert m["state"] == "editing"
    assert [s["id"] for s in m["slots"]] == ["photo", "id_card", "diploma"]
    assert all(s["state"] == "unlocked" and s["files"] == [] for s in m["slots"])
    assert m["history"][0]["action"] == "init" and m["history"][0]["actor"] == "candidate"


def test_create_refuses_an_existing_package_or_a_busy_folder(tmp_path, fake):
    new_pkg(tmp_path / "p").close()
    with pytest.raises(Exception) as e:
        new_pkg(tmp_path / "p")
    assert e.value.exit_code == 3
    (tmp_path / "q").mkdir()
    (tmp_path / "q" / "notes.txt").write_text("x")
    with pytest.raises(Exception) as e:
        new_pkg(tmp_path / "q")
    assert e.value.code == "not_empty"


def test_add_records_hash_check_and_history(tmp_path, fake, files):
    with new_pkg(tmp_path / "p") as pkg:
        res = pkg.add("id_card", [str(files["front"])])
    entry = res.added[0]
    data = files["front"].read_bytes()
    assert entry.sha256 == package.sha256(data) and entry.size == len(data)
    assert entry.original == "idcard_front.jpg"
    assert (tmp_path / "p" / entry.name).read_bytes() == data
    m = json.loads((tmp_path / "p" / "manifest.json").read_text("utf-8"))
    f = m["slots"][1]["files"][0]
    assert f["check"]["passed"] is True and f["check"]["kind"] == "material"
    assert f["document_kind"] == "idcard"
    ev = m["history"][-1]
    assert ev["action"] == "add" and ev["slot"] == "id_card" and ev["actor"] == "candidate"
    assert [f["sha256"] for f in ev["files"]] == [entry.sha256]
    assert ev["prev"] == m["history"][-2]["hash"] and len(ev["hash"]) == 64


def test_third_id_image_is_refused(tmp_path, fake, files):
    with new_pkg(tmp_path / "p") as pkg:
        pkg.add("id_card", [str(files["front"]), str(files["back"])])
        with pytest.raises(package.PackageRefused) as e:
            pkg.add("id_card", [str(files["third"])])
    assert e.value.exit_code == 5 and e.value.code == "slot_full"
    assert "最多 2 张" in e.value.text.zh
    # all-or-nothing: three at once into an empty slot adds none
    with new_pkg(tmp_path / "q") as pkg:
        with pytest.raises(package.PackageRefused):
            pkg.add("id_card", [str(files["front"]), str(files["back"]), str(files["third"])])
        assert pkg.slot("id_card").files == []


def test_failing_file_is_refused_with_the_fix_command(tmp_path, fake, files, capsys):
    new_pkg(tmp_path / "p").close()
    rc = run_cli("package", "add", str(tmp_path / "p"), "--slot", "diploma", str(files["red"]))
    err = capsys.readouterr().err
    assert rc == 1
    assert "未通过检测" in err
    assert f"photocheck package add {tmp_path / 'p'} --slot diploma --fix {files['red']}" in err
    assert package.open_package(tmp_path / "p").slot("diploma").files == []


def test_every_bad_file_is_listed_at_once(tmp_path, fake, files):
    with new_pkg(tmp_path / "p") as pkg:
        with pytest.raises(package.PackageRefused) as e:
            pkg.add("diploma", [str(files["red"]), str(tmp_path / "missing.jpg"), str(files["diploma"])])
    codes = sorted(p.code for p in e.value.problems)
    assert codes == ["check_failed", "not_found"]
    assert e.value.exit_code == 3  # the highest code wins


def test_photo_slot_requires_an_intact_seal(tmp_path, fake, files, capsys):
    new_pkg(tmp_path / "p").close()
    rc = run_cli("package", "add", str(tmp_path / "p"), "--slot", "photo", str(files["unsealed"]))
    err = capsys.readouterr().err
    assert rc == 4
    assert "检测印记" in err and "--fix" in err and "--slot photo" in err
    # a sealed photo whose seal was broken by an edit is refused too
    broken = tmp_path / "broken.jpg"
    data = bytearray(files["photo"].read_bytes())
    data[-10] ^= 0x01
    broken.write_bytes(bytes(data))
    assert run_cli("package", "add", str(tmp_path / "p"), "--slot", "photo", str(broken)) == 4
    assert run_cli("package", "add", str(tmp_path / "p"), "--slot", "photo", str(files["photo"])) == 0
    st = package.open_package(tmp_path / "p").slot("photo").files[0]
    assert st.seal == "intact"


def test_seal_not_required_when_the_pack_says_so(tmp_path, fake, files):
    pack = tmp_path / "noseal.toml"
    pack.write_text('extends = "nmec-2024-hubei"\n[pack]\nid = "noseal"\nversion = "1"\n'
                    '[photo]\nrequire_seal = false\n', encoding="utf-8")
    with package.create(tmp_path / "p", rules=str(pack)) as pkg:
        assert pkg.require_seal is False
        pkg.add("photo", [str(files["unsealed"])])
        assert pkg.slot("photo").files[0].seal == "absent"


def test_kind_that_contradicts_the_slot_warns(tmp_path, fake, files, capsys):
    new_pkg(tmp_path / "p").close()
    rc = run_cli("package", "add", str(tmp_path / "p"), "--slot", "id_card", str(files["diploma"]))
    err = capsys.readouterr().err
    assert rc == 0
    assert "警告" in err and "diploma" in err
    f = package.open_package(tmp_path / "p").slot("id_card").files[0]
    assert f.warnings and "不符" in f.warnings[0].zh


def test_two_images_of_the_same_kind_in_a_distinct_slot_warn(tmp_path, fake, files):
    with new_pkg(tmp_path / "p") as pkg:
        res = pkg.add("id_card", [str(files["front"]), str(files["back"])])
    # the stand-in checker calls both "idcard": the second one gets the warning
    assert [(Path(s).name, "各不相同" in w.zh) for s, w in res.warnings] == [("idcard_back.jpg", True)]


def test_duplicate_unknown_slot_bad_index(tmp_path, fake, files):
    with new_pkg(tmp_path / "p") as pkg:
        pkg.add("id_card", [str(files["front"])])
        with pytest.raises(package.PackageRefused) as e:
            pkg.add("id_card", [str(files["front"])])
        assert e.value.problems[0].code == "duplicate"
        with pytest.raises(UsageError):
            pkg.add("passport", [str(files["front"])])
        with pytest.raises(UsageError):
            pkg.remove("id_card", 2)
        with pytest.raises(UsageError):
            pkg.remove("id_card", 0)


def test_remove_and_replace(tmp_path, fake, files):
    with new_pkg(tmp_path / "p") as pkg:
        pkg.add("id_card", [str(files["front"]), str(files["back"])])
        first, second = (f.name for f in pkg.slot("id_card").files)
        pkg.add("id_card", [str(files["third"])], replace=2)
        names = [f.original for f in pkg.slot("id_card").files]
        assert names == ["idcard_front.jpg", "idcard_third.jpg"]
        assert not (tmp_path / "p" / second).exists()  # the replaced file is gone from disk
        pkg.remove("id_card", 1)
        assert [f.original for f in pkg.slot("id_card").files] == ["idcard_third.jpg"]
        assert not (tmp_path / "p" / first).exists()
    actions = [h.action for h in package.open_package(tmp_path / "p").manifest.history]
    assert actions == ["init", "add", "replace", "remove"]


# --- submit and locking ---------------------------------------------------------------------------

def test_submit_lists_every_missing_item(tmp_path, fake, files, capsys):
    with new_pkg(tmp_path / "p") as pkg:
        pkg.add("id_card", [str(files["front"])])
    rc = run_cli("package", "submit", str(tmp_path / "p"))
    err = capsys.readouterr().err
    assert rc == 5
    assert "报名照片" in err and "身份证明" in err and "毕业证书" in err
    assert "目前 1 张" in err
    with package.open_package(tmp_path / "p", write=True) as pkg:
        with pytest.raises(package.PackageRefused) as e:
            pkg.submit()
        assert {p.slot for p in e.value.problems} == {"photo", "id_card", "diploma"}
        assert pkg.manifest.state is PackageState.EDITING


def test_submit_refuses_a_file_that_now_fails(tmp_path, fake, files, monkeypatch):
    from photocheck import core

    strict = core.check_info

    def lenient(info, **kw):       # the checks of an older pack, that let a red image through
        rep = strict(info, **kw)
        rep.checks = [c for c in rep.checks if c.id != "sharpness"]
        return rep

    with new_pkg(tmp_path / "p") as pkg:
        pkg.add("photo", [str(files["photo"])])
        pkg.add("id_card", [str(files["front"]), str(files["back"])])
        monkeypatch.setattr(core, "check_info", lenient)
        pkg.add("diploma", [str(files["red"])])
    # The checks got stricter since the file was added: it is re-checked on submit.
    monkeypatch.setattr(core, "check_info", strict)
    with package.open_package(tmp_path / "p", write=True) as pkg:
        with pytest.raises(package.PackageRefused) as e:
            pkg.submit()
        assert e.value.exit_code == 5
        assert [p.code for p in e.value.problems] == ["check_failed"]


def test_submit_locks_and_nothing_changes_while_locked(tmp_path, fake, files, capsys):
    filled(tmp_path / "p", files)
    assert run_cli("package", "submit", str(tmp_path / "p")) == 0
    pkg = package.open_package(tmp_path / "p")
    assert pkg.manifest.state is PackageState.SUBMITTED
    assert all(s.state is SlotState.LOCKED for s in pkg.manifest.slots)
    before = (tmp_path / "p" / "manifest.json").read_bytes()
    capsys.readouterr()
    assert run_cli("package", "remove", str(tmp_path / "p"), "--slot", "id_card", "--index", "1") == 5
    assert run_cli("package", "add", str(tmp_path / "p"), "--slot", "diploma", str(files["third"])) == 5
    assert "已锁定" in capsys.readouterr().err
    assert run_cli("package", "submit", str(tmp_path / "p")) == 5
    assert (tmp_path / "p" / "manifest.json").read_bytes() == before


def test_status_json(tmp_path, fake, files, capsys):
    filled(tmp_path / "p", files)
    capsys.readouterr()
    assert run_cli("package", "status", str(tmp_path / "p"), "--json") == 0
    st = json.loads(capsys.readouterr().out)
    assert st["state"] == "editing" and st["state_zh"] == "编辑中"
    slots = {s["id"]: s for s in st["slots"]}
    assert slots["id_card"]["count"] == 2 and slots["id_card"]["max"] == 2
    assert slots["photo"]["files"][0]["seal"] == "intact"
    assert slots["id_card"]["state_zh"] == "未锁定"


# --- integrity --------------------------------------------------------------------------------------

def test_verify_names_a_tampered_file(tmp_path, fake, files, capsys):
    filled(tmp_path / "p", files)
    capsys.readouterr()
    assert run_cli("package", "verify", str(tmp_path / "p")) == 0
    pkg = package.open_package(tmp_path / "p")
    victim = pkg.slot("id_card").files[1].name
    data = bytearray((tmp_path / "p" / victim).read_bytes())
    data[len(data) // 2] ^= 0xFF
    (tmp_path / "p" / victim).write_bytes(bytes(data))
    capsys.readouterr()
    assert run_cli("package", "verify", str(tmp_path / "p"), "--json") == 4
    res = json.loads(capsys.readouterr().out)
    assert res["intact"] is False
    assert [(p["file"], p["code"], p["index"]) for p in res["problems"]] == [(victim, "tampered", 2)]


def test_verify_reports_a_missing_file_and_a_broken_seal(tmp_path, fake, files, capsys):
    filled(tmp_path / "p", files)
    pkg = package.open_package(tmp_path / "p")
    os.unlink(tmp_path / "p" / pkg.slot("diploma").files[0].name)
    res = package.open_package(tmp_path / "p").verify()
    assert res.exit_code == 4
    assert [(p.slot, p.code) for p in res.problems] == [("diploma", "missing")]


def test_malformed_manifest(tmp_path, fake, capsys):
    new_pkg(tmp_path / "p").close()
    (tmp_path / "p" / "manifest.json").write_text("{ not json", encoding="utf-8")
    assert run_cli("package", "status", str(tmp_path / "p")) == 4
    err = capsys.readouterr().err
    assert "manifest.json" in err and "Traceback" not in err
    # valid JSON, wrong shape
    (tmp_path / "p" / "manifest.json").write_text(json.dumps({"schema": "photocheck-package", "version": 1,
                                                              "slots": "nope"}), encoding="utf-8")
    assert run_cli("package", "verify", str(tmp_path / "p")) == 4


def test_manifest_with_an_unsafe_file_name(tmp_path, fake, files):
    filled(tmp_path / "p", files)
    m = json.loads((tmp_path / "p" / "manifest.json").read_text("utf-8"))
    m["slots"][1]["files"][0]["name"] = "files/id_card/../../../../etc/passwd"
    (tmp_path / "p" / "manifest.json").write_text(json.dumps(m), encoding="utf-8")
    with pytest.raises(IntegrityError):
        package.open_package(tmp_path / "p")


def test_unknown_schema_version_and_not_a_package(tmp_path, fake, capsys):
    new_pkg(tmp_path / "p").close()
    m = json.loads((tmp_path / "p" / "manifest.json").read_text("utf-8"))
    m["version"] = 99
    (tmp_path / "p" / "manifest.json").write_text(json.dumps(m), encoding="utf-8")
    assert run_cli("package", "status", str(tmp_path / "p")) == 3
    assert "99" in capsys.readouterr().err
    (tmp_path / "empty").mkdir()
    assert run_cli("package", "status", str(tmp_path / "empty")) == 3
    assert run_cli("package", "status", str(tmp_path / "nowhere")) == 3
    err = capsys.readouterr().err
    assert "Traceback" not in err and "manifest.json" in err


def test_symlinked_file_in_a_folder_package(tmp_path, fake, files):
    filled(tmp_path / "p", files)
    pkg = package.open_package(tmp_path / "p")
    name = pkg.slot("diploma").files[0].name
    secret = tmp_path / "secret.jpg"
    secret.write_bytes((tmp_path / "p" / name).read_bytes())
    os.unlink(tmp_path / "p" / name)
    os.symlink(secret, tmp_path / "p" / name)
    with pytest.raises(IntegrityError) as e:
        package.open_package(tmp_path / "p")
    assert e.value.code == "symlink" and e.value.exit_code == 4 and name in e.value.text.en
    assert run_cli("package", "verify", str(tmp_path / "p")) == 4


# --- zip packages -----------------------------------------------------------------------------------

def test_zip_package_round_trip(tmp_path, fake, files, capsys):
    filled(tmp_path / "p", files)
    z = samples.zip_of(tmp_path / "p", tmp_path / "p.zip")
    assert run_cli("package", "verify", str(z)) == 0
    assert run_cli("package", "submit", str(z)) == 0
    pkg = package.open_package(z)
    assert pkg.manifest.state is PackageState.SUBMITTED
    assert pkg.verify().exit_code == 0
    # a package can also be created as a zip directly
    with package.create(tmp_path / "new.zip") as p2:
        p2.add("id_card", [str(files["front"])])
    assert zipfile.ZipFile(tmp_path / "new.zip").namelist()[0] == "manifest.json"
    assert len(package.open_package(tmp_path / "new.zip").slot("id_card").files) == 1


def _bad_zip(tmp_path: Path, name: str, members: list[tuple[zipfile.ZipInfo | str, bytes]]) -> Path:
    z = tmp_path / name
    with zipfile.ZipFile(z, "w", zipfile.ZIP_DEFLATED) as zf:
        for info, data in members:
            zf.writestr(info, data)
    return z


def test_zip_with_path_traversal_is_refused(tmp_path, fake, capsys):
    z = _bad_zip(tmp_path, "evil.zip", [("manifest.json", b"{}"), ("../../evil.txt", b"pwned")])
    assert run_cli("package", "status", str(z)) == 4
    err = capsys.readouterr().err
    assert "不安全" in err and "Traceback" not in err
    assert not (tmp_path.parent / "evil.txt").exists()
    z2 = _bad_zip(tmp_path, "abs.zip", [("manifest.json", b"{}"), ("/etc/evil", b"x")])
    assert run_cli("package", "verify", str(z2)) == 4


def test_zip_with_a_symlink_is_refused(tmp_path, fake, capsys):
    link = zipfile.ZipInfo("files/photo/aaaaaaaaaaaaaaaa.jpg")
    link.external_attr = (0o120777 << 16)
    z = _bad_zip(tmp_path, "link.zip", [("manifest.json", b"{}"), (link, b"/etc/passwd")])
    assert run_cli("package", "status", str(z)) == 4
    assert "符号链接" in capsys.readouterr().err


def test_zip_bomb_is_refused_without_inflating(tmp_path, fake, capsys):
    big = tmp_path / "bomb.zip"
    with zipfile.ZipFile(big, "w", zipfile.ZIP_DEFLATED) as zf:
        with zf.open("files/photo/bbbbbbbbbbbbbbbb.jpg", "w", force_zip64=True) as fh:
            chunk = b"\0" * (1 << 20)
            for _ in range(300):
                fh.write(chunk)
        zf.writestr("manifest.json", b"{}")
    assert big.stat().st_size < 2_000_000
    t0 = time.perf_counter()
    assert run_cli("package", "status", str(big)) == 3
    assert time.perf_counter() - t0 < 5
    assert "压缩" in capsys.readouterr().err
    # a small member with an abnormal ratio is refused as well
    z = _bad_zip(tmp_path, "ratio.zip", [("manifest.json", b"\0" * (3 << 20))])
    assert run_cli("package", "status", str(z)) == 3


def test_not_a_zip(tmp_path, fake, capsys):
    z = tmp_path / "fake.zip"
    z.write_bytes(b"this is not a zip")
    assert run_cli("package", "status", str(z)) == 3
    assert "zip" in capsys.readouterr().err


# --- locking and crash safety --------------------------------------------------------------------------

HOLD = textwrap.dedent("""
    import sys, time
    sys.path.insert(0, sys.argv[2])
    import samples
    samples.install_catalogue(samples.small_specs())
    from photocheck.submission import package
    pkg = package.open_package(sys.argv[1], write=True)
    print("locked", flush=True)
    time.sleep(30)
""")


def test_second_writer_gets_in_use(tmp_path, fake, files):
    filled(tmp_path / "p", files)
    holder = subprocess.Popen([PY, "-c", HOLD, str(tmp_path / "p"), E2E], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "locked"
        r = subprocess.run(samples.cli_argv("package", "remove", tmp_path / "p", "--slot", "id_card", "--index", "1",
                                            fake_checks=True), capture_output=True, text=True, encoding="utf-8", timeout=60)
        assert r.returncode == 5, r.stderr
        assert "正在被另一个程序使用" in r.stderr and f"进程 {holder.pid}" in r.stderr
        # readers are not blocked
        r2 = subprocess.run(samples.cli_argv("package", "status", tmp_path / "p", fake_checks=True),
                            capture_output=True, text=True, encoding="utf-8", timeout=60)
        assert r2.returncode == 0, r2.stderr
    finally:
        holder.kill()
        holder.wait()
    # the OS dropped the dead holder's lock: no stale lock
    with package.open_package(tmp_path / "p", write=True) as pkg:
        pkg.remove("id_card", 1)


def test_lock_is_exclusive_in_process(tmp_path, fake):
    new_pkg(tmp_path / "p").close()
    with package.open_package(tmp_path / "p", write=True):
        with pytest.raises(RefusedError) as e:
            package.open_package(tmp_path / "p", write=True, timeout=0.1)
        assert e.value.code == "in_use" and e.value.exit_code == 5


CRASH = textwrap.dedent("""
    import os, sys
    sys.path.insert(0, sys.argv[3])
    import samples
    samples.install_fake_checks()
    samples.install_catalogue(samples.small_specs())
    from photocheck.submission import package, store
    where = sys.argv[2]
    pkg = package.open_package(sys.argv[1], write=True)
    if where == "before_manifest":
        store.DirStore._write_manifest = lambda self, data: os._exit(9)
    elif where == "after_manifest":
        store.DirStore.collect_garbage = lambda self, keep: os._exit(9)
    elif where == "zip_replace":
        os.replace = lambda a, b: os._exit(9)
    if sys.argv[4] == "add":
        pkg.add("diploma", [sys.argv[5]])
    else:
        pkg.remove("id_card", 2)
    os._exit(0)
""")


def _crash(pkg: Path, where: str, op: str, extra: str = "") -> int:
    r = subprocess.run([PY, "-c", CRASH, str(pkg), where, str(Path(samples.__file__).parent), op, extra],
                       capture_output=True, text=True, encoding="utf-8", timeout=120)
    return r.returncode


def test_killed_between_file_copy_and_manifest_opens_as_before(tmp_path, fake, files):
    filled(tmp_path / "p", files)
    before = (tmp_path / "p" / "manifest.json").read_bytes()
    new = samples.plain_jpeg(tmp_path / "diploma_2.jpg", (228, 224, 200))
    assert _crash(tmp_path / "p", "before_manifest", "add", str(new)) == 9
    assert (tmp_path / "p" / "manifest.json").read_bytes() == before
    orphan = tmp_path / "p" / f"files/diploma/{package.sha256(new.read_bytes())[:16]}.jpg"
    assert orphan.exists()  # copied in, never referenced
    pkg = package.open_package(tmp_path / "p")
    assert len(pkg.slot("diploma").files) == 1
    assert pkg.verify().exit_code == 0
    with package.open_package(tmp_path / "p", write=True):
        pass
    assert not orphan.exists()  # the next writer cleans it up


def test_killed_after_manifest_replace_opens_as_after(tmp_path, fake, files):
    filled(tmp_path / "p", files)
    gone = package.open_package(tmp_path / "p").slot("id_card").files[1].name
    assert _crash(tmp_path / "p", "after_manifest", "remove") == 9
    pkg = package.open_package(tmp_path / "p")
    assert len(pkg.slot("id_card").files) == 1
    res = pkg.verify()
    assert res.exit_code == 0 and [n.file for n in res.notes] == [gone]


def test_killed_zip_write_leaves_the_old_zip(tmp_path, fake, files):
    filled(tmp_path / "p", files)
    z = samples.zip_of(tmp_path / "p", tmp_path / "p.zip")
    before = z.read_bytes()
    assert _crash(z, "zip_replace", "remove") == 9
    assert z.read_bytes() == before
    assert len(package.open_package(z).slot("id_card").files) == 2


def test_cli_never_shows_a_traceback_on_bad_input(tmp_path, fake, capsys):
    assert run_cli("package", "add", str(tmp_path / "none"), "--slot", "photo", "x.jpg") == 3
    assert run_cli("package", "remove", str(tmp_path / "none"), "--slot", "photo", "--index", "x") == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err

"""The whole submission story through the CLI, on the real checks, fix and seal.

A candidate builds a package for the default profile (photo, both ID sides, diploma,
education report, degree, degree report), is refused where the rules say so,
submits; a reviewer sends one ID image back; the candidate replaces it and
resubmits; the reviewer accepts. Documents are drawn in code with Chinese text; the
photo is made by the real fix from matplotlib's public-domain grace_hopper.jpg.
"""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
import samples  # noqa: E402

from photocheck import cli  # noqa: E402

REPO = Path(__file__).resolve().parents[2]
EXE = REPO / ".venv" / ("Scripts/photocheck.exe" if os.name == "nt" else "bin/photocheck")

pytestmark = [pytest.mark.slow, pytest.mark.models,
              pytest.mark.skipif(not samples.have_font(), reason="fonts-wqy-microhei is not installed")]


def photocheck(*argv: str) -> subprocess.CompletedProcess:
    """The installed console script when present, else the module."""
    cmd = [str(EXE)] if EXE.exists() else [sys.executable, "-m", "photocheck.cli"]
    return subprocess.run(cmd + list(argv), capture_output=True, text=True, encoding="utf-8", timeout=300)


def run(capsys, *argv: str) -> tuple[int, str, str]:
    capsys.readouterr()
    rc = cli.main(list(argv))
    cap = capsys.readouterr()
    return rc, cap.out, cap.err


@pytest.fixture(scope="module")
def inputs(tmp_path_factory):
    d = tmp_path_factory.mktemp("candidate")
    files = {kind: samples.write_document(d / f"{kind}.jpg", kind,
                                          size=(1200, 1600) if kind.endswith("report") else (1600, 1200))
             for kind in samples.DOCS}
    files["id_back_retake"] = samples.write_document(d / "id_back_retake.jpg", "id_back", seed=7)
    files["id_back_blurry"] = samples.blurred_document(d / "id_back_blurry.jpg", "id_back")
    files["raw_photo"] = d / "grace.jpg"
    shutil.copy(samples.grace_hopper(), files["raw_photo"])
    return files


def test_the_whole_story(tmp_path, inputs, capsys, need_models):
    pkg = tmp_path / "张三的材料"
    P = str(pkg)

    # 1. init (the installed command, default profile)
    r = photocheck("package", "init", P, "--name", "张三", "--number", "2024420100123", "--json")
    assert r.returncode == 0, r.stderr
    st = json.loads(r.stdout)
    required = [s["id"] for s in st["slots"] if s["required"]]
    assert required == ["photo", "id_card", "diploma", "education_report", "degree", "degree_report"]

    # 2. the raw photo is refused with the fix command; with --fix it goes in, sealed
    rc, _, err = run(capsys, "package", "add", P, "--slot", "photo", str(inputs["raw_photo"]))
    assert rc in (1, 4)
    assert "--fix" in err and str(inputs["raw_photo"]) in err
    rc, out, err = run(capsys, "package", "add", P, "--slot", "photo", "--fix", str(inputs["raw_photo"]))
    assert rc == 0, err
    assert "已修复" in out

    # ... and both ID sides
    rc, _, err = run(capsys, "package", "add", P, "--slot", "id_card", str(inputs["id_front"]), str(inputs["id_back"]))
    assert rc == 0, err

    # 3. a third ID image is refused
    rc, _, err = run(capsys, "package", "add", P, "--slot", "id_card", str(inputs["id_back_retake"]))
    assert rc == 5 and "最多 2 张" in err

    # 4. submit is refused while required slots are empty, every reason at once
    rc, _, err = run(capsys, "package", "submit", P)
    assert rc == 5
    for name in ("毕业证书", "学历证明报告", "学位证书", "学位认证报告"):
        assert name in err
    for slot, kind in (("diploma", "diploma"), ("education_report", "education_report"), ("degree", "degree"),
                       ("degree_report", "degree_report")):
        rc, _, err = run(capsys, "package", "add", P, "--slot", slot, str(inputs[kind]))
        assert rc == 0, err
    rc, out, err = run(capsys, "package", "submit", P)
    assert rc == 0, err

    # 5. an edit after locking is refused
    rc, _, err = run(capsys, "package", "remove", P, "--slot", "id_card", "--index", "1")
    assert rc == 5 and "已锁定" in err
    rc, _, _ = run(capsys, "package", "add", P, "--slot", "diploma", str(inputs["id_back_retake"]))
    assert rc == 5

    # 6. verify is intact (hashes, seal, and every check re-run)
    rc, out, err = run(capsys, "package", "verify", P, "--json")
    res = json.loads(out)
    assert rc == 0 and res["intact"] and res["files"] == 7, res

    # 7. flip one byte in a stored file: verify names that file
    st = json.loads(run(capsys, "package", "status", P, "--json")[1])
    victim = next(s for s in st["slots"] if s["id"] == "degree")["files"][0]["name"]
    path = pkg / victim
    data = bytearray(path.read_bytes())
    data[len(data) // 3] ^= 0x01
    path.write_bytes(bytes(data))
    rc, out, err = run(capsys, "package", "verify", P)
    assert rc == 4
    assert victim in out and victim in err
    data[len(data) // 3] ^= 0x01
    path.write_bytes(bytes(data))
    assert run(capsys, "package", "verify", P, "--no-recheck")[0] == 0

    # 8. the reviewer sends id_card:2 back with a reason and accepts the rest
    rc, out, err = run(capsys, "package", "review", P, "--reject", "id_card:2", "--reason", "图像不清晰",
                       "--accept", "photo", "--accept", "id_card:1", "--accept", "diploma",
                       "--accept", "education_report", "--accept", "degree", "--accept", "degree_report",
                       "--reviewer", "李审核")
    assert rc == 0, err
    st = json.loads(run(capsys, "package", "status", P, "--json")[1])
    assert st["state_zh"] == "需修改"
    ids = next(s for s in st["slots"] if s["id"] == "id_card")
    assert ids["state_zh"] == "退回"
    assert ids["reasons"] == [{"index": 2, "reason": "图像不清晰"}]
    assert all(s["state"] == "locked" for s in st["slots"] if s["id"] != "id_card")
    rc, out, _ = run(capsys, "package", "status", P)
    assert "退回理由" in out and "图像不清晰" in out

    # 9. the candidate replaces that image (a blurry retake is refused first) and resubmits
    rc, _, err = run(capsys, "package", "add", P, "--slot", "id_card", "--replace", "2", str(inputs["id_back_blurry"]))
    assert rc == 1 and "--fix" in err
    rc, _, err = run(capsys, "package", "add", P, "--slot", "id_card", "--replace", "2", str(inputs["id_back_retake"]))
    assert rc == 0, err
    rc, _, err = run(capsys, "package", "submit", P)
    assert rc == 0, err

    # 10. the reviewer accepts: 审核通过
    rc, out, err = run(capsys, "package", "review", P, "--accept", "id_card", "--reviewer", "李审核")
    assert rc == 0, err
    r = photocheck("package", "status", P, "--json")
    st = json.loads(r.stdout)
    assert st["state"] == "accepted" and st["state_zh"] == "审核通过"
    actions = [(h["actor"], h["action"]) for h in st["history"]]
    assert actions[0] == ("candidate", "init")
    assert actions.count(("reviewer", "review")) == 2 and actions[-1] == ("reviewer", "review")
    assert actions.count(("candidate", "submit")) == 2
    # the decisions are signed, but with no trust file they are not verified
    assert st["decisions"] and {d["status"] for d in st["decisions"]} == {"unverified"}
    assert not st["decisions_verified"]
    rc, out, _ = run(capsys, "package", "verify", P, "--no-recheck")
    assert rc == 0 and "未验证" in out
    # with the exam office's trust file listing this reviewer's key, they are
    key_line = photocheck("package", "key", "--name", "李审核").stdout.strip()
    trust = tmp_path / "trusted.txt"
    trust.write_text(f"# exam office\n{key_line}\n", encoding="utf-8")
    rc, out, err = run(capsys, "package", "verify", P, "--no-recheck", "--trusted-keys", str(trust), "--json")
    res = json.loads(out)
    assert rc == 0, err
    assert res["decisions"] and all(d["verified"] and d["signer"] == "李审核" for d in res["decisions"])

    # the reviewer's batch audit of the accepted package: every file passes
    report = tmp_path / "audit.csv"
    rc, _, err = run(capsys, "audit", P, "--report", str(report))
    rows = list(csv.DictReader(io.StringIO(report.read_text("utf-8-sig"))))
    assert len(rows) == 7 and {r["verdict"] for r in rows} == {"pass"}, rows
    assert {r["kind"] for r in rows if "/files/photo/" in r["path"]} == {"photo"}
    assert rc == 0

    # the same package zipped is still a valid package
    z = tmp_path / "pkg.zip"
    shutil.make_archive(str(z.with_suffix("")), "zip", pkg)
    assert run(capsys, "package", "verify", str(z), "--no-recheck")[0] == 0
    assert not any(n.endswith(".tmp") for n in os.listdir(pkg))
